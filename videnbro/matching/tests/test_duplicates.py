"""Duplicate detection: candidate organisation pairs, `videnbro dedupe organisations`, and
near-identical free texts."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from videnbro.core.audit import SYSTEM
from videnbro.matching.duplicates import near_duplicate_texts, organisation_duplicates
from videnbro.registry.services import organisation_create


def pair_with(organisation, pairs):
    found = [p for p in pairs if organisation in (p.first, p.second)]
    assert len(found) <= 1, found
    return found[0] if found else None


def other(pair, organisation):
    return pair.second if pair.first == organisation else pair.first


def test_it_finds_no_duplicates_in_the_seeded_registry(seeded):
    pairs = organisation_duplicates()

    assert [(p.first.key, p.second.key, p.score, p.reasons) for p in pairs] == []


@pytest.mark.parametrize(
    ("a", "b"), [("novo-nordisk", "novo-nordisk-fonden"), ("vejen-kommune", "vejle-kommune")]
)
def test_it_never_pairs_similar_names_of_different_bodies(org, a, b):
    first, second = org(a), org(b)

    pairs = organisation_duplicates(min_score=0.0)

    assert not [p for p in pairs if {p.first, p.second} == {first, second}]


def test_it_pairs_a_misspelt_name_that_is_an_alias_of_an_existing_organisation(org):
    grundfos = org("grundfos")
    misspelt = organisation_create(actor=SYSTEM, name="Grundfoss", kind="company")

    pair = pair_with(misspelt, organisation_duplicates())

    assert pair is not None
    assert other(pair, misspelt) == grundfos
    assert pair.score >= 0.7
    assert "samme navn/alias »grundfoss«" in pair.reasons


def test_it_pairs_a_misspelt_name_with_an_extra_word(org):
    grundfos = org("grundfos")
    created = organisation_create(actor=SYSTEM, name="Grundfoss Pumper", kind="company")

    pair = pair_with(created, organisation_duplicates())

    assert pair is not None
    assert other(pair, created) == grundfos


def test_it_pairs_a_company_with_the_same_website_domain_when_asked_for_weak_evidence(org):
    grundfos = org("grundfos")  # https://www.grundfos.com
    created = organisation_create(
        actor=SYSTEM,
        name="Pumpeservice Bjerringbro",
        kind="company",
        website="http://grundfos.com/dk/service",
    )

    pair = pair_with(created, organisation_duplicates(min_score=0.4))

    assert pair is not None
    assert other(pair, created) == grundfos
    assert pair.reasons == ["samme hjemmeside grundfos.com"]
    assert pair.score == pytest.approx(0.5)


def test_it_lists_a_company_with_the_same_website_domain_by_default(org):
    grundfos = org("grundfos")
    created = organisation_create(
        actor=SYSTEM, name="Pumpeservice Bjerringbro", kind="company", website="https://www.grundfos.com/dk"
    )

    pair = pair_with(created, organisation_duplicates())

    assert pair is not None
    assert other(pair, grundfos) == created


def test_it_never_pairs_the_same_name_with_another_cvr(org):
    """Two CVR numbers are two legal bodies; merging them is refused, so they are not listed."""
    existing = org("copenhagen-capacity")
    assert existing.cvr == "17538896"
    created = organisation_create(
        actor=SYSTEM, name="Copenhagen Capacity ApS", kind="company", cvr="10000009"
    )

    assert pair_with(created, organisation_duplicates(min_score=0.0)) is None


def test_it_lists_candidate_pairs_with_scores_and_reasons_in_the_dedupe_command(org):
    grundfos = org("grundfos")
    misspelt = organisation_create(actor=SYSTEM, name="Grundfoss", kind="company")
    out = StringIO()

    call_command("dedupe", "organisations", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[-1] == "1 candidate pair(s)."
    assert len(lines) == 2
    assert lines[0].startswith("1.00  ")
    assert f"{grundfos.key}  ~  {misspelt.key}" in lines[0]
    assert "samme navn/alias »grundfoss«" in lines[0]


def test_it_lists_no_pairs_for_the_seeded_registry_in_the_dedupe_command(seeded):
    out = StringIO()

    call_command("dedupe", "organisations", stdout=out)

    assert out.getvalue().splitlines() == ["0 candidate pair(s)."]


OFFER = "Vi kan levere 2.000 liter håndsprit om ugen til kommunale institutioner"


@pytest.mark.parametrize(
    "same",
    [
        OFFER,
        "VI KAN LEVERE 2.000 LITER HÅNDSPRIT OM UGEN TIL KOMMUNALE INSTITUTIONER",
        "Til kommunale institutioner kan vi levere 2.000 liter håndsprit om ugen",
        "  vi kan levere 2.000 liter\nhåndsprit om ugen   til kommunale institutioner ",
    ],
    ids=["identical", "upper-case", "reordered", "whitespace"],
)
def test_it_finds_the_same_offer_written_again(same):
    found = near_duplicate_texts(OFFER, [("other", "Vi syr 300 kitler til hjemmeplejen"), ("same", same)])

    assert [key for key, _score in found] == ["same"]
    assert found[0][1] >= 0.9


@pytest.mark.parametrize(
    "different",
    [
        "Vi syr 300 genanvendelige kitler til hjemmeplejen i Aalborg",
        "Frivillige handler ind for ældre naboer i karantæne",
        "",
    ],
)
def test_it_does_not_take_a_different_offer_for_a_duplicate(different):
    assert near_duplicate_texts(OFFER, [("different", different)]) == []


def test_it_does_not_take_an_offer_of_another_item_for_a_duplicate():
    visors = "Vi kan levere 2.000 visirer om ugen til kommunale institutioner"

    assert near_duplicate_texts(OFFER, [("visors", visors)]) == []


def test_it_ranks_near_duplicates_best_first():
    found = near_duplicate_texts(
        OFFER,
        [
            ("reworded", "Vi kan levere 2.000 liter håndsprit hver uge til kommunale institutioner"),
            ("same", OFFER.upper()),
        ],
    )

    assert [key for key, _score in found] == ["same", "reworded"]
    assert found[0][1] == 1.0
    assert found[1][1] < 1.0
