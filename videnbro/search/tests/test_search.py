"""Danish-aware search on the seeded data, asked through the service and through the API:
stemming, compound parts, æ/ø/å folding, typos, aliases, English queries, exact-name ranking
and highlighted snippets. The same answers are expected on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

import re

from videnbro.core.audit import SYSTEM
from videnbro.partnerships.models import Partnership
from videnbro.registry.services import organisation_create


def titles(answer: dict) -> list[str]:
    return [r["title"] for r in answer["results"]]


def keys(answer: dict) -> list[tuple[str, int]]:
    return [(r["type"], r["id"]) for r in answer["results"]]


def partnerships_titled(word: str) -> set[int]:
    found = set(Partnership.objects.filter(title__icontains=word).values_list("pk", flat=True))
    assert found, f"the seed has no partnership titled with {word!r}"
    return found


def found_partnerships(results: list[dict]) -> set[int]:
    return {r["id"] for r in results if r["type"] == "partnership"}


def test_it_finds_the_plural_by_the_singular_værnemiddel(ask, everything):
    answer = ask("værnemiddel")
    assert answer["results"][0]["type"] == "partnership"
    assert "værnemidler" in answer["results"][0]["title"]
    wanted = partnerships_titled("værnemidler")
    assert wanted <= found_partnerships(everything("værnemiddel"))
    assert {(r["type"], r["id"]) for r in everything("værnemiddel")} == {
        (r["type"], r["id"]) for r in everything("værnemidler")
    }


def test_it_finds_compounds_that_contain_visir(ask):
    found = titles(ask("visir"))
    assert "Ansigtsvisirer til sundhedspersonale" in found
    assert "Makers Mod Corona: 3D-printede visirholdere" in found
    assert "Dykkermasker omdannet til beskyttelsesvisirer" in found


def test_it_finds_every_håndsprit_partnership_by_sprit(everything):
    assert partnerships_titled("håndsprit") <= found_partnerships(everything("sprit"))


def test_it_treats_århus_and_aarhus_alike(ask):
    folded, spelt = ask("Århus"), ask("Aarhus")
    assert folded["count"] == spelt["count"] > 0
    assert keys(folded)[:5] == keys(spelt)[:5]
    assert all("Aarhus" in title for title in titles(folded)[:3])


def test_it_finds_københavns_universitet_written_with_oe(ask):
    assert titles(ask("Koebenhavns Universitet"))[0] == "Københavns Universitet"


def test_it_puts_grundfos_first_for_grundfoss(ask):
    assert titles(ask("Grundfoss"))[0] == "Grundfos"


def test_it_finds_rigshospitalet_in_the_top_three_for_rigshopitalet(ask):
    assert "Rigshospitalet" in titles(ask("Rigshopitalet"))[:3]


def test_it_finds_organisations_by_their_registered_abbreviations(ask):
    assert titles(ask("SSI"))[0] == "Statens Serum Institut"
    assert titles(ask("KU"))[0] == "Københavns Universitet"
    assert titles(ask("ssi"))[0] == "Statens Serum Institut"


def test_it_finds_håndsprit_partnerships_for_hand_sanitizer(ask, everything):
    answer = ask("hand sanitizer")
    assert answer["count"] > 0
    assert all("håndsprit" in (r["title"] + r["snippet"]).casefold() for r in answer["results"][:5])
    assert partnerships_titled("håndsprit") <= found_partnerships(everything("hand sanitizer"))


def test_it_finds_københavns_universitet_for_university_of_copenhagen(ask):
    assert titles(ask("University of Copenhagen"))[0] == "Københavns Universitet"


def test_it_ranks_the_exact_name_first(ask):
    answer = ask("Novo Nordisk")
    assert titles(answer)[:2] == ["Novo Nordisk", "Novo Nordisk Fonden"]
    assert answer["results"][0]["type"] == "organisation"
    assert answer["results"][0]["score"] == 1.0
    assert titles(ask("novo nordisk"))[:2] == ["Novo Nordisk", "Novo Nordisk Fonden"]


def test_it_finds_a_company_by_its_name_with_the_legal_suffix(ask):
    assert titles(ask("Novo Nordisk A/S"))[:1] == ["Novo Nordisk"]
    assert titles(ask("Grundfos A/S"))[:1] == ["Grundfos"]


def test_it_ranks_the_exact_name_above_records_that_only_mention_it(ask):
    answer = ask("Rigshospitalet")
    assert titles(answer)[0] == "Rigshospitalet"
    assert answer["results"][0]["score"] > answer["results"][1]["score"]


def test_it_highlights_the_matching_word_in_the_snippet(ask):
    answer = ask("visir")
    assert all("<mark>" in r["snippet"] for r in answer["results"])
    first = answer["results"][0]["snippet"]
    assert re.search(r"<mark>[^<]*visir[^<]*</mark>", first, re.IGNORECASE), first


def test_it_escapes_record_text_in_the_snippet(ask):
    organisation_create(
        actor=SYSTEM,
        name="Snippet Testværk",
        kind="company",
        description='Laver <b>ansigtsvisirer</b> & "rene" skjolde <script>x</script>',
    )
    (result,) = [r for r in ask("visir")["results"] if r["title"] == "Snippet Testværk"]
    snippet = result["snippet"]
    assert "&lt;b&gt;<mark>ansigtsvisirer</mark>&lt;/b&gt;" in snippet
    assert "&amp;" in snippet and "&quot;rene&quot;" in snippet
    assert "&lt;script&gt;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0
