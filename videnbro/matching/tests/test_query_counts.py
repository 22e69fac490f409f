"""POST /api/v1/match/ – a search over organisations, capacities and partnerships – answers in a
pinned number of queries however many suggestions it returns (issue 13 §5); POST
/api/v1/classify/ needs none. Each asserts its status too."""

import pytest

MATCH = "/api/v1/match/"


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def warm(api, seeded):
    """The search vocabulary and the classifier are loaded by the first call of a process."""
    ok(api.post(MATCH, {"text": "værnemidler"}, format="json"))
    return api


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Plejehjemmet mangler visirer til personalet"},
        {"text": "Vi søger partnere til at teste borgere for covid-19", "limit": 50},
        {
            "text": "Vi søger partnere til at teste borgere for covid-19",
            "region": "hovedstaden",
            "kinds": ["company"],
            "sectors": ["market"],
            "focus_area": "test",
            "limit": 50,
        },
    ],
)
def test_it_pins_the_query_count_of_a_match(warm, django_assert_max_num_queries, body):
    with django_assert_max_num_queries(11):
        answer = ok(warm.post(MATCH, body, format="json"))
    assert answer["results"]


def test_it_pins_the_query_count_of_a_match_asked_by_an_organisation(
    seeded, api_as, grundfos_member, django_assert_max_num_queries
):
    client = api_as(grundfos_member)
    ok(client.post(MATCH, {"text": "værnemidler"}, format="json"))
    with django_assert_max_num_queries(13):
        answer = ok(client.post(MATCH, {"text": "Vi mangler håndsprit"}, format="json"))
    assert answer["results"]


def test_it_classifies_without_a_query(db, api, django_assert_max_num_queries):
    api.post("/api/v1/classify/", {"text": "visirer"}, format="json")  # trains the model once
    with django_assert_max_num_queries(0):
        answer = ok(
            api.post("/api/v1/classify/", {"text": "Gratis PCR-test i nyt testcenter"}, format="json")
        )
    assert answer["focus_area"] == "test"
