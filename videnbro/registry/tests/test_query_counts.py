"""The registry's list and search endpoints answer in a pinned number of queries, however
many rows a page holds (issue 13 §5) – each with its status asserted, so an error answer
cannot pass for a cheap one."""

LIST = "/api/v1/organisations/"


def test_it_lists_a_page_in_a_fixed_number_of_queries(seeded, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api.get(LIST)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 25
    with django_assert_max_num_queries(3):
        response = api.get(f"{LIST}?page_size=200")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 200


def test_it_filters_a_page_in_a_fixed_number_of_queries(seeded, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = api.get(
            f"{LIST}?q=Region&kind=region&member_of=danish-life-science-cluster&municipality=101"
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(5):
        response = api.get(f"{LIST}?region=hovedstaden&sector=public&page_size=200")
    assert response.status_code == 200
    assert response.json()["count"] > 25


def test_it_lists_with_a_token_in_a_fixed_number_of_queries(
    seeded, api_as, secretariat, django_assert_max_num_queries
):
    client = api_as(secretariat)
    client.get(LIST)  # first use records last_used
    with django_assert_max_num_queries(4):
        assert client.get(LIST).status_code == 200


def test_it_shows_detail_in_a_fixed_number_of_queries(seeded, api, org, django_assert_max_num_queries):
    url = f"{LIST}{org('danish-life-science-cluster').pk}/"
    with django_assert_max_num_queries(8):
        assert api.get(url).status_code == 200


def test_it_resolves_a_name_in_a_fixed_number_of_queries(seeded, api, django_assert_max_num_queries):
    api.get(f"{LIST}resolve/", {"name": "KU"})  # the resolver's index is built by the first call
    for name in ("KU", "Grundfoss", "Region Hovedstaden"):
        with django_assert_max_num_queries(2):
            response = api.get(f"{LIST}resolve/", {"name": name})
        assert response.status_code == 200
        assert response.json()["match"] is not None, name
