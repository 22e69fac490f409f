"""GET /api/v1/search/: the results contract, facets and filters, bad input (always text, never
a 500) and the pinned query count."""

from __future__ import annotations

from collections import Counter

import pytest

from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.models import Region, Sector
from videnbro.search.models import DocType, SearchDocument

from .conftest import service_results

FACET_FIELDS = {
    "type": "doc_type",
    "focus_area": "focus_area",
    "region": "region",
    "sector": "sector",
    "custodian": "custodian",
    "theme": "themes",
    "coding_system": "coding_systems",
    "access_route": "access_route",
    "personal_data": "personal_data",
}
MULTI_VALUED = {"themes", "coding_systems"}
ODD_QUERIES = [
    '"',
    "*",
    "NEAR",
    "-",
    ":",
    "a:b",
    '"unclosed',
    "NOT AND OR",
    "(",
    ")",
    "^",
    "'",
    "\\",
    "%",
    "_",
    "😷",
    "æøå",
    "<script>alert(1)</script>",
    "\x00",
    'visir"',
    "visir*",
    "-visir",
    "NEAR(visir sprit)",
    "title_terms:visir",
    "body_terms : sprit",
    "visir AND",
    "OR visir",
    "visir & sprit | !x",
    "visir:*",
    "a''b",
    "{visir}",
    "visir <-> sprit",
    "中文",
    "ß",
    "x\u0301",
    "\u200b",
    "\ufeff",
    "ab\x00cd",
]


def get(api, **params):
    return api.get("/api/v1/search/", params)


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def documents_of(results: list[dict]) -> list[SearchDocument]:
    found = {(d.doc_type, d.object_id): d for d in SearchDocument.objects.all()}
    return [found[(r["type"], r["id"])] for r in results]


def facet_values(document: SearchDocument, field: str) -> set[str]:
    value = getattr(document, field)
    return set(value.strip("|").split("|")) - {""} if field in MULTI_VALUED else {value} - {""}


def test_it_answers_with_the_documented_shape(api, seeded):
    body = ok(get(api, q="visir"))
    assert {"count", "results", "facets"} <= set(body)
    assert body["count"] == len(body["results"]) == 11
    assert set(body["facets"]) == set(FACET_FIELDS)
    for result in body["results"]:
        assert set(result) == {"type", "type_label", "id", "title", "snippet", "url", "score"}
        assert result["type"] in DocType.values
        assert set(result["type_label"]) == {"da", "en"}
        assert isinstance(result["id"], int)
        assert result["title"] and isinstance(result["snippet"], str)
        assert result["url"].startswith("http://testserver/")
        assert isinstance(result["score"], float)
    partnership = next(r for r in body["results"] if r["type"] == "partnership")
    response = api.get(partnership["url"].removeprefix("http://testserver"))
    assert response.status_code == 200
    assert partnership["title"] in response.content.decode()


@pytest.mark.parametrize(
    "q", ["visir", "sprit", "Aarhus", "Novo Nordisk", "Grundfoss", "KU", "hand sanitizer", "region"]
)
def test_it_scores_between_zero_and_one_best_first(api, seeded, q):
    scores = [r["score"] for r in ok(get(api, q=q))["results"]]
    assert scores, q
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("q", ["visir", "værnemidler", "Aarhus", "Københavns Universitet", "kræft"])
def test_it_counts_facets_over_all_matching_records(everything, q):
    answer = service_results(q)
    results = everything(q)
    assert len(results) == answer["count"]
    documents = documents_of(results)
    for facet, field in FACET_FIELDS.items():
        expected = Counter(v for d in documents for v in facet_values(d, field))
        assert answer["facets"][facet] == dict(expected), facet
    assert sum(answer["facets"]["type"].values()) == answer["count"]


@pytest.mark.parametrize("q", ["værnemidler", "Aarhus", "Københavns Universitet", "kræft"])
def test_it_narrows_results_to_each_facet_value(api, everything, q):
    facets = ok(get(api, q=q))["facets"]
    tried = 0
    for facet, values in facets.items():
        for value, n in values.items():
            body = ok(get(api, q=q, **{facet: value}))
            assert body["count"] == n, (facet, value)
            narrowed = everything(q, **{facet: value})
            assert len(narrowed) == n
            assert all(value in facet_values(d, FACET_FIELDS[facet]) for d in documents_of(narrowed))
            tried += 1
    assert tried >= 4


def test_it_combines_filters(api, seeded):
    everything_ppe = ok(get(api, q="værnemidler", focus_area="ppe"))["count"]
    narrowed = ok(get(api, q="værnemidler", focus_area="ppe", type="partnership"))
    assert 0 < narrowed["count"] <= everything_ppe
    assert {r["type"] for r in narrowed["results"]} == {"partnership"}
    assert ok(get(api, q="værnemidler", type="capacity", sector="public"))["count"] == 0


@pytest.mark.parametrize(
    ("param", "allowed"),
    [
        ("type", lambda: DocType.values),
        ("focus_area", lambda: FocusArea.values),
        ("region", lambda: list(Region.objects.values_list("slug", flat=True))),
        ("sector", lambda: Sector.values),
    ],
)
def test_it_refuses_an_unknown_filter_value_and_lists_the_allowed_ones(api, seeded, param, allowed):
    response = get(api, q="visir", **{param: "mars"})
    assert response.status_code == 400
    (message,) = response.json()["errors"][param]
    assert "mars" in message
    for value in allowed():
        assert value in message


def test_it_answers_an_empty_query_with_no_results_but_the_facets_of_everything(api, seeded):
    for params in ({}, {"q": ""}, {"q": "   "}):
        body = ok(get(api, **params))
        assert body["count"] == 0
        assert body["results"] == []
        assert sum(body["facets"]["type"].values()) == SearchDocument.objects.count() > 400
        assert all(body["facets"][name] for name in ("focus_area", "region", "sector"))


def test_it_lists_what_a_filter_selects_for_an_empty_query(api, seeded):
    partnerships = SearchDocument.objects.filter(doc_type="partnership")
    body = ok(get(api, q="", type="partnership"))
    assert body["count"] == partnerships.count() > 40
    assert body["facets"]["type"] == {"partnership": partnerships.count()}
    titles = [r["title"] for r in body["results"]]
    assert len(titles) == 20 and {r["type"] for r in body["results"]} == {"partnership"}
    assert titles == sorted(partnerships.values_list("title", flat=True))[:20]
    last = ok(get(api, q="", type="partnership", page=body["pages"]))
    assert len(last["results"]) == body["count"] - 20 * (body["pages"] - 1)


def test_it_refuses_a_query_over_500_characters(api, seeded):
    assert ok(get(api, q="ø" * 500))["count"] == 0
    response = get(api, q="ø" * 501)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"q"}
    assert "500" in errors["q"][0]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_it_refuses_a_page_that_is_not_a_positive_integer(api, seeded, page):
    response = get(api, q="visir", page=page)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


def test_it_pages_twenty_results_at_a_time(api, seeded):
    first, second = ok(get(api, q="region")), ok(get(api, q="region", page=2))
    assert first["count"] > 40
    assert len(first["results"]) == len(second["results"]) == 20
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    beyond = ok(get(api, q="region", page=first["pages"] + 1))
    assert beyond["results"] == [] and beyond["count"] == first["count"]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_it_treats_operators_and_odd_characters_as_text(api, seeded, q):
    body = ok(get(api, q=q))
    assert isinstance(body["count"], int)
    assert len(body["results"]) <= body["count"]


@pytest.mark.parametrize(
    "q", ['visir"', "visir*", "-visir", "NEAR(visir)", "(visir)", "title_terms:visir", "^visir", "visir'"]
)
def test_it_reads_a_word_next_to_operators_as_that_word(api, seeded, q):
    assert ok(get(api, q=q))["count"] == ok(get(api, q="visir"))["count"] > 0
