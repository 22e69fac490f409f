"""The health data map: seed, API contract and filters, pages in both languages."""

import pytest

from videnbro.datamap.models import Dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(seeded):
    from videnbro.datamap.seeding import seed_datamap

    if not Dataset.objects.exists():
        seed_datamap(progress=False)
    return Dataset.objects.all()


def test_it_the_seed_holds_at_least_40_real_sources_each_with_custodian_and_source(catalogue):
    assert catalogue.count() >= 40
    for dataset in catalogue:
        assert dataset.custodian_id and dataset.source_url.startswith("https://"), dataset.key
    lpr = Dataset.objects.get(key="landspatientregisteret")
    assert lpr.custodian.key == "sundhedsdatastyrelsen"
    assert "ICD-10" in lpr.coding_systems and lpr.variables.count() >= 4
    assert lpr.access_route.key == "sds_forskerservice" and lpr.access_route.steps


def test_it_publishers_are_found_by_name_acronym_or_alias_and_never_guessed(catalogue):
    rkkp = Dataset.objects.filter(custodian__key="regionernes-kliniske-kvalitetsudviklingsprogram")
    assert rkkp.count() >= 10
    assert all(d.publisher and d.publisher.key == d.custodian.key for d in rkkp)
    # OPEN is not in the registry: its publisher stays empty rather than a near match.
    assert Dataset.objects.get(key="open-biobank").publisher is None


def test_it_seeding_twice_changes_nothing(catalogue):
    from videnbro.datamap.seeding import seed_datamap

    before = {d.key: d.updated for d in Dataset.objects.all()}
    stats = seed_datamap(progress=False)
    assert not any(k.endswith("created") or k.endswith("updated") for k in stats), stats
    assert {d.key: d.updated for d in Dataset.objects.all()} == before


def test_it_api_lists_with_the_documented_fields_and_filters(client, catalogue):
    body = client.get("/api/v1/datasets/").json()
    assert body["count"] == catalogue.count()
    first = body["results"][0]
    assert {"id", "title", "title_en", "custodian", "themes", "variables", "access_route", "url"} <= set(
        first
    )
    icd = client.get("/api/v1/datasets/?coding_system=ICD-10").json()
    assert icd["count"] >= 3
    assert all("ICD-10" in d["coding_systems"] for d in icd["results"])
    ssi = client.get("/api/v1/datasets/?custodian=statens-serum-institut").json()
    assert ssi["count"] >= 1
    assert all(d["custodian"]["key"] == "statens-serum-institut" for d in ssi["results"])
    route = client.get("/api/v1/datasets/?access_route=rkkp&theme=quality").json()
    assert route["count"] >= 5
    assert all(d["access_route"] == "rkkp" for d in route["results"])
    found = client.get("/api/v1/datasets/?q=fødsler").json()
    assert "det-medicinske-foedselsregister" in {d["key"] for d in found["results"]} or any(
        "Fødsel" in d["title"] for d in found["results"]
    )


@pytest.mark.parametrize(
    "query",
    ["theme=bogus", "access_route=nowhere", "custodian=no-such-org", "personal_data=maybe", "q=" + "x" * 201],
)
def test_it_bad_filters_are_field_errors(client, catalogue, query):
    response = client.get(f"/api/v1/datasets/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


def test_it_detail_has_variables_and_the_procedure(client, catalogue):
    lpr = Dataset.objects.get(key="landspatientregisteret")
    body = client.get(f"/api/v1/datasets/{lpr.pk}/").json()
    assert body["access_route"]["key"] == "sds_forskerservice"
    assert len(body["access_route"]["steps"]) >= 2
    assert len(body["variables"]) >= 4
    assert client.get("/api/v1/datasets/999999/").status_code == 404
    assert client.get("/api/v1/datasets/abc/").status_code == 404


def test_it_pages_tell_a_newcomer_how_to_apply_in_both_languages(client, catalogue):
    da = client.get("/datalandkort/landspatientregisteret/").content.decode()
    assert "Sådan søger du adgang" in da and "Forskerservice" in da
    en = client.get("/en/datalandkort/landspatientregisteret/").content.decode()
    assert "Danish National Patient Registry" in en and 'lang="en"' in en
    listing = client.get("/datalandkort/?theme=cancer").content.decode()
    assert "Cancerregisteret" in listing and "Dødsårsagsregisteret" not in listing
    compare = client.get("/datalandkort/sammenlign/?d=landspatientregisteret&d=cancerregisteret")
    text = compare.content.decode()
    assert "Landspatientregisteret" in text and "Cancerregisteret" in text
    assert client.get("/datalandkort/sandkasser/").status_code == 200
    assert client.get("/datalandkort/findes-ikke/").status_code == 404


def test_it_the_catalogue_endpoints_serve_turtle_and_json_ld(client, catalogue):
    import json

    from rdflib import Graph

    turtle = client.get("/api/v1/catalogue.ttl")
    assert turtle.status_code == 200 and turtle["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.content.decode(), format="turtle")
    assert len(graph) > 1000
    one = client.get("/api/v1/catalogue.jsonld?dataset=landspatientregisteret")
    assert one.status_code == 200 and one["Content-Type"].startswith("application/ld+json")
    assert "Landspatientregisteret" in json.dumps(one.json(), ensure_ascii=False)
    missing = client.get("/api/v1/catalogue.ttl?dataset=findes-ikke")
    assert missing.status_code == 404 and "errors" in json.loads(missing.content)
