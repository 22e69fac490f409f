"""The resolver on the seeded registry: the right organisation, or none – never a wrong one."""

import csv
from pathlib import Path

import pytest

from videnbro.core.audit import SYSTEM
from videnbro.registry import services
from videnbro.registry.models import Organisation
from videnbro.registry.resolver import organisation_resolve

MENTIONS_FILE = Path(__file__).resolve().parents[3] / "bench" / "data" / "cbs_mentions.csv"
with MENTIONS_FILE.open(encoding="utf-8", newline="") as handle:
    MENTIONS = list(csv.DictReader(handle))
KNOWN_MENTIONS = [row for row in MENTIONS if row["expected_key"]]
UNKNOWN_MENTIONS = [row for row in MENTIONS if not row["expected_key"]]
# How many of the CBS mentions resolve to their expected organisation today; the rest resolve
# to nothing. Raise this when the resolver improves; it must never fall.
RESOLVED_AT_LEAST = 111


def resolved_key(name: str) -> str | None:
    resolution = organisation_resolve(name)
    if resolution.match is None:
        return None
    return Organisation.objects.get(pk=resolution.match.id).key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("KU", "koebenhavns-universitet"),
        ("SSI", "statens-serum-institut"),
        ("Grundfoss", "grundfos"),
        ("Grundfos A/S", "grundfos"),
        ("H/M", "h-og-m"),
        ("H&M", "h-og-m"),
        ("Ikea", "ikea"),
        ("Yousee", "yousee"),
        ("Novo Nordisk A/S", "novo-nordisk"),
        ("Novo Nordisk", "novo-nordisk"),
        ("NovoNordisk", "novo-nordisk"),
        ("Novo Nordisk Fonden", "novo-nordisk-fonden"),
        ("novo nordisk fonden", "novo-nordisk-fonden"),
        ("Region H", "region-hovedstaden"),
        ("Århus Universitet", "aarhus-universitet"),
        ("Aarhus Kommune", "aarhus-kommune"),
        ("Københavns Universitet", "koebenhavns-universitet"),
    ],
)
def test_it_resolves_written_names_to_the_canonical_organisation(seeded, written, key):
    assert resolved_key(written) == key


def test_it_gives_an_exact_name_the_full_score(seeded):
    resolution = organisation_resolve("Statens Serum Institut")
    assert resolution.match.name == "Statens Serum Institut"
    assert resolution.score == 1.0


def test_it_never_takes_the_foundation_for_the_company(seeded):
    novo = Organisation.objects.get(key="novo-nordisk")
    for written in [
        "Novo Nordisk Fonden",
        "Novo Nordisk Foundation",
        "NOVO NORDISK FONDEN",
        "Novo Nordisk Fond",
    ]:
        resolution = organisation_resolve(written)
        assert resolution.match is None or resolution.match.id != novo.pk, written


def test_it_never_takes_the_company_for_the_foundation(seeded):
    fonden = Organisation.objects.get(key="novo-nordisk-fonden")
    for written in ["Novo Nordisk", "Novo Nordisk A/S", "Novo Nordisk AS", "NovoNordisk"]:
        resolution = organisation_resolve(written)
        assert resolution.match is not None, written
        assert resolution.match.id != fonden.pk, written


def test_it_returns_no_match_for_a_name_that_does_not_exist(seeded):
    resolution = organisation_resolve("Zyxwv Qqq")
    assert resolution.match is None
    assert resolution.score == 0.0
    assert isinstance(resolution.candidates, list)


def test_it_returns_only_candidates_below_the_threshold(seeded):
    resolution = organisation_resolve("Statens Institut for Nogetandet")
    assert resolution.match is None
    assert resolution.candidates, "similar names are offered as candidates"
    assert all(c.score < 1 for c in resolution.candidates)


@pytest.mark.parametrize("written", ["", "   ", "&", " / "])
def test_it_returns_no_match_for_empty_input(seeded, written):
    resolution = organisation_resolve(written)
    assert resolution.match is None
    assert resolution.candidates == []


def test_it_limits_and_orders_candidates(seeded):
    resolution = organisation_resolve("Region", limit=3)
    assert len(resolution.candidates) <= 3
    scores = [c.score for c in resolution.candidates]
    assert scores == sorted(scores, reverse=True)


def test_it_sees_organisations_created_after_the_index_was_built(seeded):
    assert organisation_resolve("Zyxwv Qqq Consulting").match is None
    created = services.organisation_create(
        actor=SYSTEM, name="Zyxwv Qqq Consulting", kind="company", aliases=["ZQC"]
    )
    assert organisation_resolve("Zyxwv Qqq Consulting").match.id == created.pk
    assert organisation_resolve("ZQC").match.id == created.pk


def test_it_sees_a_renamed_organisation(seeded):
    grundfos = Organisation.objects.get(key="grundfos")
    assert organisation_resolve("Grundfos").match.id == grundfos.pk
    services.organisation_update(actor=SYSTEM, organisation=grundfos, name="Grundfos Pumper")
    assert organisation_resolve("Grundfos Pumper").match.id == grundfos.pk


@pytest.mark.parametrize(
    "row", KNOWN_MENTIONS, ids=[f"{r['cbs_number']}-{r['mention']}" for r in KNOWN_MENTIONS]
)
def test_it_resolves_cbs_mentions_to_the_expected_organisation_or_none(seeded, row):
    assert Organisation.objects.filter(key=row["expected_key"]).exists(), "expected key is seeded"
    assert resolved_key(row["mention"]) in (row["expected_key"], None)


@pytest.mark.parametrize(
    "row", UNKNOWN_MENTIONS, ids=[f"{r['cbs_number']}-{r['mention']}" for r in UNKNOWN_MENTIONS]
)
def test_it_does_not_match_generic_cbs_mentions(seeded, row):
    assert resolved_key(row["mention"]) is None


def test_it_resolves_most_cbs_mentions(seeded):
    resolved = sum(resolved_key(row["mention"]) == row["expected_key"] for row in KNOWN_MENTIONS)
    assert len(KNOWN_MENTIONS) == 120
    assert resolved >= RESOLVED_AT_LEAST
