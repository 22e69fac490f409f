"""GET /api/v1/search/ answers in a pinned number of queries – with text, with filters, with
neither (facets only) and on a later page (issue 13 §5); each asserts its status too."""

import pytest

SEARCH = "/api/v1/search/"


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def warm(api, seeded):
    """The vocabulary may be loaded by the first search of a process."""
    ok(api.get(SEARCH, {"q": "værnemidler"}))
    return api


def test_it_pins_the_query_count(warm, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = ok(warm.get(SEARCH, {"q": "visir"}))
    assert body["count"] == 11
    with django_assert_max_num_queries(6):
        ok(warm.get(SEARCH, {"q": "visir", "type": "partnership", "region": "hovedstaden"}))


@pytest.mark.parametrize("q", ["Aarhus", "hand sanitizer", "Grundfoss"])
def test_it_pins_the_query_count_of_other_queries(warm, django_assert_max_num_queries, q):
    with django_assert_max_num_queries(6):
        body = ok(warm.get(SEARCH, {"q": q}))
    assert body["count"] > 0


def test_it_pins_the_query_count_of_a_later_page(warm, django_assert_max_num_queries):
    assert ok(warm.get(SEARCH, {"q": "region"}))["pages"] > 1
    with django_assert_max_num_queries(6):
        body = ok(warm.get(SEARCH, {"q": "region", "page": 2}))
    assert body["page"] == 2 and body["results"]


def test_it_pins_the_query_count_without_text(warm, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        body = ok(warm.get(SEARCH))
    assert body["count"] == 0 and body["facets"]["type"]
    with django_assert_max_num_queries(3):
        body = ok(warm.get(SEARCH, {"type": "organisation", "sector": "public"}))
    assert body["count"] > 20
