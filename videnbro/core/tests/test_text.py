"""Name normalisation and registry keys."""

import pytest

from videnbro.core.text import compact, format_quantity, normalise_name, slugify_key


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Novo Nordisk A/S", "novo nordisk"),
        ("Novo Nordisk", "novo nordisk"),
        ("  NOVO   nordisk a/s ", "novo nordisk"),
        ("Grundfos Holding ApS", "grundfos holding"),
        ("Carlsberg A.S.", "carlsberg"),
        ("Arla Foods amba", "arla foods"),
        ("H&M", "h m"),
        ("H/M", "h m"),
        ("Århus", "aarhus"),
        ("Aarhus", "aarhus"),
        ("Københavns Universitet", "koebenhavns universitet"),
        ("Sjælland", "sjaelland"),
        ("Novo Nordisk Fonden", "novo nordisk fonden"),
        ("", ""),
        ("&/", ""),
    ],
)
def test_it_normalises_names(written, normalised):
    assert normalise_name(written) == normalised


def test_it_makes_variants_meet():
    assert normalise_name("Århus Universitet") == normalise_name("Aarhus Universitet")
    assert compact(normalise_name("H&M")) == compact(normalise_name("H/M")) == "hm"
    assert normalise_name("Novo Nordisk Fonden") != normalise_name("Novo Nordisk A/S")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Københavns Universitet", "koebenhavns-universitet"),
        ("H&M", "h-og-m"),
        ("Food & Bio Cluster Denmark", "food-og-bio-cluster-denmark"),
        ("Region Sjælland", "region-sjaelland"),
        ("Nykøbing F. Sygehus", "nykoebing-f-sygehus"),
        ("Sygehus Lillebælt, Kolding", "sygehus-lillebaelt-kolding"),
        ("Danish Life Science Cluster – hub Nordjylland", "danish-life-science-cluster-hub-nordjylland"),
    ],
)
def test_it_slugifies_keys_as_the_seed_files_do(name, key):
    assert slugify_key(name) == key


@pytest.mark.parametrize(
    ("value", "text"), [(3000, "3.000"), (2.5, "2,5"), (1234567.25, "1.234.567,25"), (0, "0")]
)
def test_it_formats_quantities_the_danish_way(value, text):
    assert format_quantity(value) == text
