"""The index stays current: writes through the services are searchable at once, in the same
transaction; a rolled-back write leaves nothing behind; `videnbro search rebuild` re-creates it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from videnbro.core.audit import SYSTEM
from videnbro.partnerships.services import ParticipantInput, partnership_create
from videnbro.registry.models import Organisation
from videnbro.registry.services import organisation_create, organisation_update
from videnbro.search.indexing import index_organisations
from videnbro.search.models import SearchDocument
from videnbro.search.services import FILTERS, search


def titles(q: str, **filters: str) -> list[str]:
    """Titles found for `q`; filters by their API names (type=, focus_area=, …)."""
    columns = {FILTERS[name]: value for name, value in filters.items()}
    return [r.title for r in search(q=q, filters=columns).results]


def document(kind: str, pk: int) -> SearchDocument:
    return SearchDocument.objects.get(doc_type=kind, object_id=pk)


def create(name: str = "Qwertoplast", **fields) -> Organisation:
    fields.setdefault("kind", "company")
    return organisation_create(actor=SYSTEM, name=name, **fields)


def test_it_finds_a_new_organisation_in_the_same_transaction(seeded):
    search(q="visir")  # a warm vocabulary must notice the new record too
    before = SearchDocument.objects.count()
    organisation = create(description="Vi støber skærmvisirer i genbrugsplast.")
    assert SearchDocument.objects.count() == before + 1
    assert document("organisation", organisation.pk).title == "Qwertoplast"
    assert titles("Qwertoplast")[0] == "Qwertoplast"
    assert titles("Qwertoplst")[0] == "Qwertoplast"  # typo, via the refreshed vocabulary
    assert "Qwertoplast" in titles("visir")  # compound part of "skærmvisirer"


def test_it_follows_a_rename(seeded):
    organisation = create()
    organisation_update(actor=SYSTEM, organisation=organisation, name="Zorbulux Industrier")
    assert document("organisation", organisation.pk).title == "Zorbulux Industrier"
    assert titles("Zorbulux")[0] == "Zorbulux Industrier"
    assert titles("Zorbulux Industrier")[0] == "Zorbulux Industrier"
    assert titles("Qwertoplast") == []


def test_it_finds_a_renamed_organisation_by_a_misspelt_new_name(seeded):
    # A name no other test uses: the vocabulary is per process and outlives a test's rollback.
    organisation = create("Plimsoftex")
    assert titles("Plimsoftx")[0] == "Plimsoftex"
    organisation_update(actor=SYSTEM, organisation=organisation, name="Xylofonika Industrier")
    assert titles("Xylofonika")[0] == "Xylofonika Industrier"  # the exact word still matches
    assert titles("Xylofonka")[:1] == ["Xylofonika Industrier"]


def test_it_finds_an_organisation_by_a_new_alias(seeded):
    organisation = create()
    assert titles("QWP") == []
    organisation_update(actor=SYSTEM, organisation=organisation, aliases=["QWP"])
    assert titles("QWP")[0] == "Qwertoplast"
    assert search(q="qwp").results[0].score == 1.0  # an alias is an exact name


def test_it_refreshes_partnerships_that_name_a_renamed_participant(org, seeded):
    grundfos = org("grundfos")
    organisation_update(actor=SYSTEM, organisation=grundfos, name="Grundfos Pumper Zeta")
    assert "3D-printede reservedele til respiratorer" in titles("Grundfos Pumper Zeta", type="partnership")


def test_it_finds_a_new_partnership_in_the_same_transaction(org, seeded):
    before = SearchDocument.objects.filter(doc_type="partnership").count()
    partnership = partnership_create(
        actor=SYSTEM,
        title="Kvantesprit til plejehjem",
        description="Frivillige deler ansigtsvisirer ud på plejehjem.",
        focus_area="ppe",
        participants=[ParticipantInput(organisation=org("grundfos"))],
    )
    assert SearchDocument.objects.filter(doc_type="partnership").count() == before + 1
    assert document("partnership", partnership.pk).focus_area == "ppe"
    assert titles("Kvantesprit")[0] == "Kvantesprit til plejehjem"
    assert "Kvantesprit til plejehjem" in titles("visir", type="partnership", focus_area="ppe")
    assert "Kvantesprit til plejehjem" in titles("Grundfos", type="partnership")


def test_it_leaves_no_index_row_after_a_rolled_back_write(seeded):
    before = SearchDocument.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        organisation = create("Rulletilbage Aps")
        assert SearchDocument.objects.count() == before + 1
        assert titles("Rulletilbage") == ["Rulletilbage Aps"]
        raise RuntimeError
    assert SearchDocument.objects.count() == before
    assert not SearchDocument.objects.filter(doc_type="organisation", object_id=organisation.pk).exists()
    assert search(q="Rulletilbage").count == 0


def test_it_leaves_the_old_index_row_after_a_rolled_back_rename(org, seeded):
    grundfos = org("grundfos")
    with pytest.raises(RuntimeError), transaction.atomic():
        organisation_update(actor=SYSTEM, organisation=grundfos, name="Pumpefabrikken Omega")
        raise RuntimeError
    assert document("organisation", grundfos.pk).title == "Grundfos"
    assert search(q="Pumpefabrikken").count == 0
    assert titles("Grundfos")[0] == "Grundfos"


def test_it_rebuilds_the_same_index(seeded):
    before = SearchDocument.objects.count()
    visir = [(r.type, r.id) for r in search(q="visir").results]
    out, err = io.StringIO(), io.StringIO()
    call_command("search", "rebuild", stdout=out, stderr=err)
    assert SearchDocument.objects.count() == before
    assert f"{before} documents" in out.getvalue()
    assert sorted((r.type, r.id) for r in search(q="visir").results) == sorted(visir)
    assert [r.title for r in search(q="Grundfoss").results][:1] == ["Grundfos"]
    assert titles("SSI")[0] == "Statens Serum Institut"


def test_it_rebuilds_an_emptied_index(seeded):
    before = SearchDocument.objects.count()
    SearchDocument.objects.all().delete()
    call_command("search", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    assert SearchDocument.objects.count() == before
    assert "Ansigtsvisirer til sundhedspersonale" in titles("visir")


def test_it_prints_results_from_the_query_command(seeded):
    out = io.StringIO()
    call_command("search", "query", "Grundfoss", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("results")
    assert "Grundfos" in lines[1]


def test_it_stores_language_neutral_urls(seeded):
    with translation.override("en"):
        organisation = create()
    assert document("organisation", organisation.pk).url == f"/organisationer/{organisation.key}/"


def test_it_reaches_every_page_of_a_broad_query(seeded):
    Organisation.objects.bulk_create(
        Organisation(
            key=f"zyntaxa-{i}",
            name=f"Zyntaxa {i}",
            normalised_name=f"zyntaxa {i}",
            kind="company",
            sector="market",
        )
        for i in range(320)
    )
    index_organisations(Organisation.objects.filter(key__startswith="zyntaxa-").values_list("pk", flat=True))
    first = search(q="zyntaxa")
    assert (first.count, first.pages) == (320, 16)
    assert len(search(q="zyntaxa", page=16).results) == 20
