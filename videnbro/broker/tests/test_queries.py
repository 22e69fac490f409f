"""Every list of the data entry point – API endpoints and pages – answers in a fixed number of
queries, however many requests it lists (issue 13 §5). Each test lists the requests once, adds
more, and lists them again under the same bound; the status is asserted as well."""

from __future__ import annotations

import pytest
from django.urls import reverse

from videnbro.broker.models import AccessRequest

from .factories import BEF, DBCG, LPR

S = AccessRequest.Status
REQUESTS = "/api/v1/access-requests/"
REGISTER = "/api/v1/access-register/"


@pytest.fixture
def grow(make_request):
    """`grow()` adds a routed and an active request (the active one is in the register)."""

    def add() -> None:
        make_request(S.ROUTED, datasets=(LPR, BEF))
        make_request(S.ACTIVE, datasets=(LPR, DBCG))

    return add


def _twice(grow, django_assert_max_num_queries, limit: int, fetch) -> None:
    """`fetch()` within `limit` queries with one set of requests, and again with twice as many."""
    for _round in range(2):
        grow()
        with django_assert_max_num_queries(limit):
            response = fetch()
        assert response.status_code == 200, response.content[:300]


def test_it_pins_the_query_count_of_the_access_request_list(
    grow, broker, applicant, api_as, django_assert_max_num_queries
):
    for user in (broker, applicant):
        client = api_as(user)
        _twice(grow, django_assert_max_num_queries, 12, lambda c=client: c.get(REQUESTS, {"status": "open"}))


def test_it_pins_the_query_count_of_the_public_register(grow, api, django_assert_max_num_queries):
    _twice(grow, django_assert_max_num_queries, 8, lambda: api.get(REGISTER))


def test_it_pins_the_query_count_of_the_broker_overview(
    grow, broker, client_as, django_assert_max_num_queries
):
    client = client_as(broker)
    _twice(grow, django_assert_max_num_queries, 16, lambda: client.get(reverse("broker:overview")))


def test_it_pins_the_query_count_of_the_custodian_inbox(
    grow, sds_custodian, client_as, django_assert_max_num_queries
):
    client = client_as(sds_custodian)
    url = reverse("broker:inbox")
    _twice(grow, django_assert_max_num_queries, 12, lambda: client.get(url, {"status": "all"}))


def test_it_pins_the_query_count_of_the_register_page_and_its_export(
    grow, client, django_assert_max_num_queries
):
    url = reverse("broker:register")
    _twice(grow, django_assert_max_num_queries, 10, lambda: client.get(url))
    _twice(grow, django_assert_max_num_queries, 10, lambda: client.get(url, {"format": "csv"}))


def test_it_pins_the_query_count_of_the_applicants_home(
    grow, applicant, client_as, django_assert_max_num_queries
):
    client = client_as(applicant)
    _twice(grow, django_assert_max_num_queries, 14, lambda: client.get(reverse("broker:home")))
