"""The partnership list, the landscape and the network answer in a pinned number of queries,
however many partnerships they cover (issue 13 §5); each asserts its status too."""

import pytest

LIST = "/api/v1/partnerships/"


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def test_it_pins_the_query_count_of_the_list(seeded, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = ok(api.get(LIST))
    assert len(body["results"]) == 25
    with django_assert_max_num_queries(6):
        body = ok(api.get(f"{LIST}?source=cbs-2020&page_size=200"))
    assert len(body["results"]) == 62
    with django_assert_max_num_queries(6):
        body = ok(api.get(f"{LIST}?organisation=novo-nordisk&focus_area=test&page_size=5"))
    assert body["count"] == 3


def test_it_pins_the_query_count_of_a_text_search_in_the_list(seeded, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = ok(api.get(LIST, {"q": "værnemidler", "page_size": 200}))
    assert body["count"] > 1


# A region or organisation filter looks its value up first: one query more.
@pytest.mark.parametrize(
    "query,queries", [("", 1), ("?focus_area=ppe&status=active", 1), ("?region=hovedstaden&lang=en", 2)]
)
def test_it_pins_the_query_count_of_the_landscape(seeded, api, django_assert_max_num_queries, query, queries):
    with django_assert_max_num_queries(queries):
        body = ok(api.get(f"/api/v1/landscape/{query}"))
    assert body["partner_types"]


@pytest.mark.parametrize(
    "query,queries", [("", 2), ("?focus_area=ppe", 2), ("?organisation=novo-nordisk", 3)]
)
def test_it_pins_the_query_count_of_the_network(seeded, api, django_assert_max_num_queries, query, queries):
    with django_assert_max_num_queries(queries):
        body = ok(api.get(f"/api/v1/network/{query}"))
    assert body["nodes"]
