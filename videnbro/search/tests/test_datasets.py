"""Health datasets in the unified search: what people search them by, the dataset facets
(custodian, theme, coding system, access route, personal data) against the data map itself,
the index following edits and deletions, the API contract and the Danish and English page."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from videnbro.core.audit import SYSTEM
from videnbro.datamap.models import AccessRoute, Dataset, Theme, Variable
from videnbro.datamap.seeding import seed_datamap
from videnbro.registry.models import Organisation
from videnbro.registry.services import organisation_update
from videnbro.search.models import SearchDocument
from videnbro.search.services import FILTERS, search

SEARCH = "/api/v1/search/"
DATASET_FACETS = ("custodian", "theme", "coding_system", "access_route", "personal_data")


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def every_result(api, **params) -> list[dict]:
    """Every result over all pages of one API search."""
    first = ok(api.get(SEARCH, params))
    results = list(first["results"])
    for page in range(2, first["pages"] + 1):
        results += ok(api.get(SEARCH, {**params, "page": page}))["results"]
    assert len(results) == first["count"]
    return results


def expected_facets(datasets) -> dict[str, dict[str, int]]:
    """The dataset facets as the data map itself has them: the oracle for the index."""
    return {
        "custodian": dict(Counter(d.custodian.key for d in datasets)),
        "theme": dict(Counter(t for d in datasets for t in set(d.themes) if t in Theme.values)),
        "coding_system": dict(Counter(c for d in datasets for c in set(d.coding_systems))),
        "access_route": dict(Counter(d.access_route.key for d in datasets if d.access_route_id)),
        "personal_data": dict(Counter("yes" if d.personal_data else "no" for d in datasets)),
    }


def matches(dataset: Dataset, facet: str, value: str) -> bool:
    return {
        "custodian": lambda: dataset.custodian.key == value,
        "theme": lambda: value in dataset.themes,
        "coding_system": lambda: value in dataset.coding_systems,
        "access_route": lambda: dataset.access_route_id and dataset.access_route.key == value,
        "personal_data": lambda: dataset.personal_data == (value == "yes"),
    }[facet]()


def datasets() -> list[Dataset]:
    return list(Dataset.objects.select_related("custodian", "access_route"))


def titles(q: str, **filters: str) -> list[str]:
    """Titles found through the service; filters by their API names (theme=, custodian=, …)."""
    found = search(q=q, filters={FILTERS[name]: value for name, value in filters.items()})
    return [r.title for r in found.results]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def facet_block(html: str, name: str) -> str:
    match = re.search(
        rf'<h2 class="facet-title">([^<]+)</h2>\s*<ul [^>]*data-facet="{name}">'
        r"(.*?)</ul>",
        html,
        re.S,
    )
    assert match, name
    return match.group(1) + match.group(2)


# -- Finding the right dataset ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected", "within"),
    [
        ("fødsler", "Det Medicinske Fødselsregister", 1),
        ("lægemidler", "Lægemiddelstatistikregisteret", 3),
        ("Landspatientregisteret", "Landspatientregisteret", 1),
        ("LPR", "Landspatientregisteret", 1),  # acronym
        ("Danish National Patient Registry", "Landspatientregisteret", 1),  # English title
        ("births", "Det Medicinske Fødselsregister", 3),  # English theme and description
        ("hjertesvigt", "Dansk Hjertesvigtdatabase", 1),
        ("apgar", "Det Medicinske Fødselsregister", 1),  # a variable's label
        (
            "ANALYSISCODE",
            "Laboratoriedatabasens Forskertabel (Registeret for Laboratorieresultater til Forskning)",
            1,
        ),  # a variable's name
        ("tvillinger", "Det Danske Tvillingeregister", 3),
    ],
)
def test_it_finds_the_dataset_people_search_for(ask, q, expected, within):
    results = ask(q)["results"]
    top = [r["title"] for r in results[:within]]
    assert expected in top, (q, [r["title"] for r in results[:5]])
    found = next(r for r in results if r["title"] == expected)
    assert found["type"] == "dataset"
    dataset = Dataset.objects.get(pk=found["id"])
    assert found["url"].endswith(f"/datalandkort/{dataset.key}/")


def test_it_finds_every_dataset_coded_in_icd10_and_counts_them(ask):
    coded = {d.pk for d in Dataset.objects.all() if "ICD-10" in d.coding_systems}
    answer = ask("ICD-10", type="dataset")
    assert coded <= {r["id"] for r in answer["results"]}
    assert answer["facets"]["coding_system"]["ICD-10"] == len(coded) >= 5
    narrowed = ask("ICD-10", coding_system="ICD-10")
    assert {r["id"] for r in narrowed["results"]} == coded


def test_it_finds_datasets_by_their_custodian(ask):
    rkkp = Organisation.objects.get(key="regionernes-kliniske-kvalitetsudviklingsprogram")
    answer = ask(rkkp.name, type="dataset")
    expected = Dataset.objects.filter(custodian=rkkp).count()
    assert answer["count"] >= expected > 10
    assert answer["facets"]["custodian"][rkkp.key] == expected


def test_it_indexes_every_seeded_dataset_once(seeded):
    indexed = SearchDocument.objects.filter(doc_type="dataset")
    assert indexed.count() == Dataset.objects.count() >= 47
    assert set(indexed.values_list("object_id", flat=True)) == set(
        Dataset.objects.values_list("pk", flat=True)
    )
    seed_datamap(progress=False)  # seeding again changes nothing
    assert indexed.count() == Dataset.objects.count()


# -- Facets ----------------------------------------------------------------------------------


def test_it_counts_the_dataset_facets_as_the_data_map_has_them(api, seeded):
    body = ok(api.get(SEARCH, {"type": "dataset"}))
    assert body["count"] == Dataset.objects.count()
    expected = expected_facets(datasets())
    for facet in DATASET_FACETS:
        assert body["facets"][facet] == expected[facet], facet


@pytest.mark.parametrize("facet", DATASET_FACETS)
def test_it_narrows_to_exactly_the_datasets_of_each_facet_value(api, seeded, facet):
    everything = datasets()
    values = expected_facets(everything)[facet]
    assert values
    for value, n in values.items():
        wanted = {d.pk for d in everything if matches(d, facet, value)}
        found = every_result(api, type="dataset", **{facet: value})
        assert {r["id"] for r in found} == wanted, (facet, value)
        assert len(found) == n == len(wanted)


def test_it_counts_a_dataset_under_each_of_its_themes(api, seeded):
    neonatal = Dataset.objects.get(key="neonatal-screeningsbiobank")
    assert set(neonatal.themes) == {"biobank", "births", "genomics"}
    facets = ok(api.get(SEARCH, {"type": "dataset"}))["facets"]["theme"]
    assert sum(facets.values()) == sum(len(set(d.themes)) for d in Dataset.objects.all())
    assert sum(facets.values()) > Dataset.objects.count()
    for theme in neonatal.themes:
        found = every_result(api, type="dataset", theme=theme)
        assert neonatal.pk in {r["id"] for r in found}, theme
        assert len(found) == facets[theme]
    # Within births, the other themes of the same datasets are counted too.
    births = ok(api.get(SEARCH, {"type": "dataset", "theme": "births"}))["facets"]["theme"]
    assert births["births"] == facets["births"]
    assert (
        births["biobank"]
        == sum(1 for d in Dataset.objects.all() if {"births", "biobank"} <= set(d.themes))
        >= 2
    )


def test_it_matches_a_whole_coding_system_not_part_of_one(api, seeded):
    icd8 = every_result(api, type="dataset", coding_system="ICD-8")
    assert {r["id"] for r in icd8} == {d.pk for d in Dataset.objects.all() if "ICD-8" in d.coding_systems}
    lower = every_result(api, type="dataset", coding_system="icd-10")
    assert {r["id"] for r in lower} == {d.pk for d in Dataset.objects.all() if "ICD-10" in d.coding_systems}


def test_it_filters_by_personal_data_yes_and_no(api, seeded):
    total = Dataset.objects.count()
    assert ok(api.get(SEARCH, {"type": "dataset"}))["facets"]["personal_data"] == {"yes": total}
    assert ok(api.get(SEARCH, {"type": "dataset", "personal_data": "no"}))["count"] == 0
    anonymous = Dataset.objects.get(key="befolkningsregisteret")
    anonymous.personal_data = False
    anonymous.save()
    facets = ok(api.get(SEARCH, {"type": "dataset"}))["facets"]["personal_data"]
    assert facets == {"yes": total - 1, "no": 1}
    assert [r["id"] for r in every_result(api, type="dataset", personal_data="no")] == [anonymous.pk]
    yes = every_result(api, type="dataset", personal_data="yes")
    assert len(yes) == total - 1 and anonymous.pk not in {r["id"] for r in yes}
    with_query = {"q": "Befolkningen", "type": "dataset"}
    assert [r["id"] for r in ok(api.get(SEARCH, {**with_query, "personal_data": "no"}))["results"]] == [
        anonymous.pk
    ]
    assert anonymous.pk not in {
        r["id"] for r in ok(api.get(SEARCH, {**with_query, "personal_data": "yes"}))["results"]
    }


def test_it_combines_dataset_filters_with_a_query(api, seeded):
    body = ok(
        api.get(
            SEARCH,
            {
                "q": "kræft",
                "theme": "cancer",
                "access_route": "rkkp",
                "custodian": "regionernes-kliniske-kvalitetsudviklingsprogram",
            },
        )
    )
    assert body["count"] > 0
    for result in body["results"]:
        dataset = Dataset.objects.select_related("access_route").get(pk=result["id"])
        assert "cancer" in dataset.themes and dataset.access_route.key == "rkkp"
    assert ok(api.get(SEARCH, {"q": "kræft", "theme": "cancer", "type": "partnership"}))["count"] == 0


# -- The index follows the data map ----------------------------------------------------------


@pytest.fixture
def new_dataset(seeded):
    dataset = Dataset.objects.create(
        key="zephyrgrafi-kohorten",
        title="Zephyrgrafi-kohorten",
        description="En kohorte af blodprøver.",
        custodian=Organisation.objects.get(key="sundhedsdatastyrelsen"),
        themes=["biobank"],
        coding_systems=["NPU"],
        access_route=AccessRoute.objects.get(key="other"),
    )
    Variable.objects.create(dataset=dataset, name="KVORTIMETER", label="Kvortimeterværdi")
    return dataset


def test_it_finds_a_new_dataset_and_its_variables_at_once(new_dataset):
    assert titles("Zephyrgrafi")[0] == "Zephyrgrafi-kohorten"
    assert titles("kvortimeter") == ["Zephyrgrafi-kohorten"]
    assert "Zephyrgrafi-kohorten" in titles(
        "kohorte", theme="biobank", coding_system="NPU", access_route="other"
    )


def test_it_follows_an_edited_dataset(api, new_dataset):
    births = ok(api.get(SEARCH, {"type": "dataset"}))["facets"]["theme"]["births"]
    new_dataset.title = "Qwyndelbo-registeret"
    new_dataset.themes = ["births"]
    new_dataset.save()
    assert titles("Qwyndelbo")[0] == "Qwyndelbo-registeret"
    assert titles("Zephyrgrafi") == []
    facets = ok(api.get(SEARCH, {"type": "dataset"}))["facets"]["theme"]
    assert facets["births"] == births + 1
    assert "Qwyndelbo-registeret" in titles("", type="dataset", theme="births")
    assert "Qwyndelbo-registeret" not in titles("", type="dataset", theme="biobank")


def test_it_follows_variables_that_change_or_go(new_dataset):
    variable = new_dataset.variables.get()
    variable.label = "Plumbatorværdi"
    variable.save()
    assert titles("plumbator") == ["Zephyrgrafi-kohorten"]
    assert titles("kvortimeterværdi") == []
    variable.delete()
    assert titles("plumbator") == []
    assert titles("Zephyrgrafi") == ["Zephyrgrafi-kohorten"]


def test_it_removes_a_deleted_dataset(new_dataset):
    pk = new_dataset.pk
    new_dataset.delete()
    assert not SearchDocument.objects.filter(doc_type="dataset", object_id=pk).exists()
    assert titles("Zephyrgrafi") == []
    assert SearchDocument.objects.filter(doc_type="dataset").count() == Dataset.objects.count()


def test_it_follows_a_renamed_custodian(seeded):
    custodian = Organisation.objects.get(key="danmarks-statistik")
    organisation_update(actor=SYSTEM, organisation=custodian, name="Statistikbureauet Xanthos")
    found = titles("Xanthos", type="dataset")
    assert "Befolkningen (BEF)" in found
    assert len(found) == Dataset.objects.filter(custodian=custodian).count()


def test_it_keeps_the_old_document_after_a_rolled_back_edit(seeded):
    dataset = Dataset.objects.get(key="cancerregisteret")
    with pytest.raises(RuntimeError), transaction.atomic():
        dataset.title = "Vorpalregisteret"
        dataset.save()
        assert titles("Vorpalregisteret") == ["Vorpalregisteret"]
        raise RuntimeError
    assert titles("Vorpalregisteret") == []
    assert titles("Cancerregisteret")[0] == "Cancerregisteret"


def test_it_rebuilds_the_datasets_too(seeded):
    SearchDocument.objects.filter(doc_type="dataset").delete()
    call_command("search", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    assert SearchDocument.objects.filter(doc_type="dataset").count() == Dataset.objects.count()
    assert titles("fødsler")[0] == "Det Medicinske Fødselsregister"


# -- API -------------------------------------------------------------------------------------


def test_it_answers_datasets_in_the_api_contract(api, seeded):
    body = ok(api.get(SEARCH, {"q": "fødsler", "type": "dataset"}))
    assert set(DATASET_FACETS) <= set(body["facets"])
    assert body["results"] and {r["type"] for r in body["results"]} == {"dataset"}
    first = body["results"][0]
    assert set(first) == {"type", "type_label", "id", "title", "snippet", "url", "score"}
    assert first["url"] == "http://testserver/datalandkort/det-medicinske-foedselsregister/"
    assert 0 < first["score"] <= 1
    assert "<mark>" in first["snippet"]
    response = api.get(first["url"].removeprefix("http://testserver"))
    assert response.status_code == 200 and first["title"] in response.content.decode()


@pytest.mark.parametrize(
    ("param", "allowed"),
    [
        ("custodian", lambda: set(Dataset.objects.values_list("custodian__key", flat=True))),
        ("theme", lambda: set(Theme.values)),
        ("coding_system", lambda: {c for d in Dataset.objects.all() for c in d.coding_systems}),
        ("access_route", lambda: set(AccessRoute.objects.values_list("key", flat=True))),
        ("personal_data", lambda: {"yes", "no"}),
    ],
)
def test_it_refuses_an_unknown_dataset_facet_value(api, seeded, param, allowed):
    response = api.get(SEARCH, {"q": "fødsler", param: "mars"})
    assert response.status_code == 400
    (message,) = response.json()["errors"][param]
    assert "mars" in message
    for value in allowed():
        assert value in message


def test_it_reports_every_bad_filter_at_once(api, seeded):
    response = api.get(SEARCH, {"theme": "fodbold", "personal_data": "ja", "type": "dataset"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"theme", "personal_data"}


def test_it_documents_the_dataset_filters_in_openapi(api, db):
    schema = ok(api.get("/api/v1/openapi.json"))
    parameters = {p["name"]: p for p in schema["paths"][SEARCH]["get"]["parameters"]}
    assert set(DATASET_FACETS) <= set(parameters)
    assert "dataset" in parameters["type"]["schema"]["enum"]
    assert set(parameters["theme"]["schema"]["enum"]) == set(Theme.values)
    assert set(parameters["personal_data"]["schema"]["enum"]) == {"yes", "no"}


def test_it_pins_the_query_count_of_a_filtered_dataset_search(api, seeded, django_assert_max_num_queries):
    params = {
        "q": "fødsler",
        "type": "dataset",
        "theme": "births",
        "custodian": "sundhedsdatastyrelsen",
        "coding_system": "ICD-10",
        "access_route": "sds_forskerservice",
        "personal_data": "yes",
    }
    ok(api.get(SEARCH, params))  # the vocabulary may be loaded by the first search
    with django_assert_max_num_queries(8):  # 3 of them validate the filters
        body = ok(api.get(SEARCH, params))
    assert [r["title"] for r in body["results"]][0] == "Det Medicinske Fødselsregister"


# -- Pages -----------------------------------------------------------------------------------


def test_it_shows_the_dataset_facets_with_danish_labels(client, seeded):
    html = page(client, "/soeg/?q=f%C3%B8dsler")
    assert (
        '<a href="/datalandkort/det-medicinske-foedselsregister/">Det Medicinske '
        'Fødselsregister</a> <span class="badge">Datasæt</span>' in html
    )
    assert facet_block(html, "theme").startswith("Tema")
    assert ">Fødsler</a>" in facet_block(html, "theme")
    assert ">Sundhedsdatastyrelsen</a>" in facet_block(html, "custodian")
    assert ">Sundhedsdatastyrelsens Forskerservice</a>" in facet_block(html, "access_route")
    assert ">ICD-10</a>" in facet_block(html, "coding_system")
    assert re.search(r">Ja</a>\s*<span class=\"muted\">\(\d+\)</span>", facet_block(html, "personal_data"))
    assert 'href="?q=f%C3%B8dsler&amp;theme=births"' in html


def test_it_shows_the_dataset_facets_with_english_labels(client, seeded):
    html = page(client, "/en/soeg/?q=f%C3%B8dsler")
    assert (
        '<a href="/en/datalandkort/det-medicinske-foedselsregister/">Det Medicinske '
        'Fødselsregister</a> <span class="badge">Dataset</span>' in html
    )
    assert facet_block(html, "theme").startswith("Theme")
    assert ">Births</a>" in facet_block(html, "theme")
    assert facet_block(html, "custodian").startswith("Data custodian")
    assert ">Danish Health Data Authority</a>" in facet_block(html, "custodian")
    assert facet_block(html, "access_route").startswith("Access route")
    assert ">Research Services at the Danish Health Data Authority</a>" in facet_block(html, "access_route")
    assert facet_block(html, "coding_system").startswith("Coding system")
    assert facet_block(html, "personal_data").startswith("Personal data")
    assert ">Yes</a>" in facet_block(html, "personal_data")


def test_it_shows_dataset_facets_only_where_there_are_datasets(client, seeded):
    html = page(client, "/soeg/?q=visir")
    assert 'data-facet="theme"' not in html and 'data-facet="custodian"' not in html
    assert 'data-facet="focus_area"' in html
    narrowed = page(client, "/soeg/?q=f%C3%B8dsler&type=dataset")
    assert 'data-facet="theme"' in narrowed and 'data-facet="focus_area"' not in narrowed
    assert 'aria-current="true"' in facet_block(narrowed, "type")


def test_it_lists_the_datasets_of_a_facet_without_a_query(client, seeded):
    html = page(client, "/soeg/?type=dataset&theme=births")
    births = sorted(d.title for d in Dataset.objects.all() if "births" in d.themes)
    assert f'data-testid="search-count">{len(births)} resultater<' in html
    found = re.findall(r'<article class="card">\s*<h2[^>]*><a href="[^"]+">([^<]+)</a>', html)
    assert [t.replace("&#x27;", "'") for t in found] == births


def test_it_links_the_data_map_to_the_unified_search(client, seeded):
    html = page(client, "/datalandkort/?q=f%C3%B8dsler")
    link = re.search(r'<a href="([^"]+)" data-testid="unified-search-link">Søg i alle kilder</a>', html)
    assert link and link.group(1) == "/soeg/?type=dataset&amp;q=f%C3%B8dsler"
    results = page(client, link.group(1).replace("&amp;", "&"))
    assert 'href="/datalandkort/det-medicinske-foedselsregister/"' in results
    english = page(client, "/en/datalandkort/")
    assert (
        '<a href="/en/soeg/?type=dataset" data-testid="unified-search-link">Search all sources</a>' in english
    )
