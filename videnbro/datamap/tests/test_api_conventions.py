"""The data map's API follows the coded-value convention (code + `<field>_label` {da, en}), and
every list and search endpoint and page pins its query count (and its status)."""

from __future__ import annotations

import pytest

from videnbro.datamap.models import Dataset

pytestmark = pytest.mark.django_db


def test_it_sends_every_coded_value_of_the_list_with_its_labels(client, seeded):
    body = client.get("/api/v1/datasets/?q=landspatientregisteret").json()
    lpr = next(d for d in body["results"] if d["key"] == "landspatientregisteret")
    assert lpr["custodian"]["kind"] == "national_authority"
    assert lpr["custodian"]["kind_label"] == {"da": "National myndighed", "en": "National authority"}
    assert len(lpr["themes_label"]) == len(lpr["themes"]) == 3
    assert {"da": "Sygehusbehandling", "en": "Hospital care"} in lpr["themes_label"]
    assert lpr["access_route"] == "sds_forskerservice"
    assert (
        set(lpr["access_route_label"]) == {"da", "en"} and "Forskerservice" in lpr["access_route_label"]["da"]
    )
    assert all(set(v["type_label"] or {"da": 1, "en": 1}) == {"da", "en"} for v in lpr["variables"])
    assert {"da": "Kode", "en": "Code"} in [v["type_label"] for v in lpr["variables"]]


def test_it_sends_the_coded_values_of_one_dataset_with_their_labels(client, seeded):
    dataset = Dataset.objects.filter(
        update_frequency="annual", access_route__organisation__isnull=False
    ).first()
    body = client.get(f"/api/v1/datasets/{dataset.pk}/").json()
    assert body["update_frequency"] == "annual"
    assert body["update_frequency_label"] == {"da": "Årligt", "en": "Annually"}
    organisation = dataset.access_route.organisation
    assert body["access_route"]["organisation"]["kind"] == organisation.kind
    assert set(body["access_route"]["organisation"]["kind_label"]) == {"da", "en"}
    assert body["access_route_label"]["da"] == dataset.access_route.name


def test_it_sends_null_labels_for_empty_codes(client, seeded):
    dataset = Dataset.objects.create(
        key="uden-koder", title="Uden koder", custodian=lpr_custodian(), personal_data=False
    )
    body = client.get(f"/api/v1/datasets/{dataset.pk}/").json()
    assert body["update_frequency"] == "" and body["update_frequency_label"] is None
    assert body["access_route"] is None and body["access_route_label"] is None
    assert body["themes"] == [] and body["themes_label"] == []


def lpr_custodian():
    return Dataset.objects.get(key="landspatientregisteret").custodian


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/datasets/", 3),  # count, the page, the page's variables
        ("/api/v1/datasets/?q=register&theme=cancer", 4),  # + the themes matched in Python
        ("/api/v1/datasets/?coding_system=ICD-10&personal_data=yes", 4),
        ("/api/v1/datasets/?custodian=sundhedsdatastyrelsen&access_route=sds_forskerservice", 5),
    ],
)
def test_it_pins_the_query_count_of_the_dataset_list(client, seeded, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200 and response.json()["count"] >= 1


def test_it_answers_a_bad_filter_without_reading_datasets(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/datasets/?theme=bogus")
    assert response.status_code == 400 and "theme" in response.json()["errors"]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/datalandkort/", 7),
        ("/datalandkort/?q=register&theme=cancer", 8),
        ("/datalandkort/sandkasser/", 2),
        ("/datalandkort/sammenlign/?d=landspatientregisteret&d=cancerregisteret", 3),
        # the dataset page: 5 of its own + 1 for the approved uses the broker adds as a section
        ("/datalandkort/landspatientregisteret/", 6),
    ],
)
def test_it_pins_the_query_count_of_the_data_map_pages(
    client, seeded, django_assert_num_queries, url, queries
):
    client.get(url)  # the first request may fill caches (translations, templates)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
