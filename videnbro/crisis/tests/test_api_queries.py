"""Every crisis list endpoint answers in a fixed number of queries, whatever the number of rows
(issue 13 §5): the count is pinned with more rows than one page needs to show an N+1."""

from __future__ import annotations

import pytest

from videnbro.crisis import services

pytestmark = pytest.mark.django_db


def test_it_pins_the_query_count_of_the_incident_list(api, incident, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/incidents/")
    assert response.status_code == 200 and response.json()["count"] >= 2


def test_it_pins_the_query_count_of_the_need_list(api, make_need, django_assert_max_num_queries):
    for n in range(6):
        make_need(title=f"Behov nummer {n}", skills=["nurse"], requirements=["ce_marking"])
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/needs/?item=visors")
    assert response.status_code == 200 and response.json()["count"] == 6


def test_it_pins_the_query_count_of_the_offer_inbox(
    api_as, rh_staff, need, processed, django_assert_max_num_queries
):
    for n in range(5):
        processed(title=f"Visirer parti {n}", contact_email=f"parti{n}@plast.example")
    client = api_as(rh_staff)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/offers/?ordering=newest")
    assert response.status_code == 200 and response.json()["count"] >= 5


def _register(n: int):
    return services.volunteer_register(
        data={
            "name": f"Frivillig {n}",
            "email": f"frivillig{n}@example.org",
            "skills": ["nurse"],
            "has_danish_authorisation": True,
            "municipality": "101",
            "travel_radius_km": "30",
            "consent": True,
        }
    )[0]


def test_it_pins_the_query_count_of_the_volunteer_list(api_as, rh_staff, django_assert_max_num_queries):
    for n in range(5):
        _register(n)
    client = api_as(rh_staff)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/volunteers/")
    assert response.status_code == 200 and response.json()["count"] >= 5


def test_it_pins_the_query_count_of_a_need_s_volunteers(
    api_as, rh_staff, make_need, django_assert_max_num_queries
):
    for n in range(5):
        _register(n)
    need = make_need(title="Sygeplejersker", item="staff", skills=["nurse"], unit="personer")
    client = api_as(rh_staff)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/needs/{need.pk}/volunteers/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) >= 5 and rows[0]["skills_label"][0]["da"] == "Sygeplejerske"
