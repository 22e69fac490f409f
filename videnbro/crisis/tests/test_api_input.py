"""Issue 12, findings 7 and 8: a JSON value of the wrong type, or text the database cannot
store (a lone surrogate), is a 400 naming the field on every crisis and broker endpoint –
never a 500, never a guess ("nej" as yes) and never a Python repr stored as a title."""

from __future__ import annotations

import json

import pytest

from videnbro.crisis.models import Incident, Need, Offer, Volunteer

from .factories import need_data, offer_data

pytestmark = pytest.mark.regression

OFFERS = "/api/v1/offers/"
NEEDS = "/api/v1/needs/"
INCIDENTS = "/api/v1/incidents/"
VOLUNTEERS = "/api/v1/volunteers/"
ACCESS_REQUESTS = "/api/v1/access-requests/"
SURROGATE = "\ud800"


def volunteer_body(**overrides) -> dict:
    data = {
        "name": "Karen Jensen",
        "email": "karen@example.dk",
        "skills": ["nurse"],
        "municipality": "101",
        "travel_radius_km": 25,
        "consent": True,
    }
    data.update(overrides)
    return data


def incident_body(**overrides) -> dict:
    data = {"title": "Testhændelse", "kind": "pandemic", "regions": ["hovedstaden"]}
    data.update(overrides)
    return data


def post_json(client, url: str, body: dict):
    """JSON as a client sends it: a lone surrogate travels as its "\\ud800" escape."""
    return client.generic("POST", url, json.dumps(body), content_type="application/json")


def field_errors(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    return response.json()["errors"]


@pytest.mark.parametrize("value", [20250101, True, ["2025-01-01"]])
@pytest.mark.parametrize("field", ["available_from", "available_until", "expiry_date"])
def test_it_answers_a_date_of_the_wrong_type_on_an_offer_with_a_field_error(api, seeded, field, value):
    errors = field_errors(api.post(OFFERS, offer_data(**{field: value}), format="json"))
    assert field in errors
    assert not Offer.objects.filter(title="Ansigtsvisirer fra egen produktion").exists()


@pytest.mark.parametrize("field", ["needed_by", "title", "publish", "skills"])
def test_it_answers_a_wrong_type_on_a_need_with_a_field_error(api_as, rh_staff, incident, field):
    wrong = {"needed_by": 20250101, "title": ["a", "b"], "publish": "no", "skills": {"a": 1}}
    before = Need.objects.count()
    errors = field_errors(
        api_as(rh_staff).post(NEEDS, need_data(incident, **{field: wrong[field]}), format="json")
    )
    assert field in errors
    assert Need.objects.count() == before


@pytest.mark.parametrize(
    "field,value",
    [("starts_on", 20200101), ("ends_on", False), ("title", {"da": "x"}), ("regions", [{"a": 1}])],
)
def test_it_answers_a_wrong_type_on_an_incident_with_a_field_error(api_as, rh_staff, field, value):
    before = Incident.objects.count()
    errors = field_errors(api_as(rh_staff).post(INCIDENTS, incident_body(**{field: value}), format="json"))
    assert field in errors
    assert Incident.objects.count() == before


@pytest.mark.parametrize(
    "field,value", [("available_from", 1), ("consent", "ja"), ("name", ["Karen"]), ("travel_radius_km", True)]
)
def test_it_answers_a_wrong_type_on_a_volunteer_with_a_field_error(api, seeded, field, value):
    errors = field_errors(api.post(VOLUNTEERS, volunteer_body(**{field: value}), format="json"))
    assert field in errors
    assert not Volunteer.objects.filter(email="karen@example.dk").exists()


@pytest.mark.parametrize("consent", ["nej", "no", "maybe", "on", 1])
def test_it_never_reads_a_word_as_a_volunteers_consent(api, seeded, consent):
    errors = field_errors(api.post(VOLUNTEERS, volunteer_body(consent=consent), format="json"))
    assert "consent" in errors
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("value", ["nej", "no", "maybe", 1])
@pytest.mark.parametrize("field", ["ce_marking", "danish_authorisation"])
def test_it_never_reads_a_word_as_yes_on_an_offer(api, seeded, field, value):
    errors = field_errors(api.post(OFFERS, offer_data(**{field: value}), format="json"))
    assert field in errors


def test_it_keeps_a_json_true_on_an_offer(api, seeded):
    response = api.post(OFFERS, offer_data(ce_marking=True), format="json")
    assert response.status_code == 201, response.json()
    assert Offer.objects.get(pk=response.json()["id"]).details.get("ce_marking") is True


@pytest.mark.parametrize("value", [["Visirer", "Masker"], {"title": "Visirer"}, 42])
def test_it_never_stores_a_list_or_object_as_an_offers_title(api, seeded, value):
    errors = field_errors(api.post(OFFERS, offer_data(title=value), format="json"))
    assert "title" in errors
    assert not Offer.objects.filter(title__startswith="[").exists()
    assert not Offer.objects.filter(title__startswith="{").exists()


@pytest.mark.parametrize("field", ["title", "description", "offerer_name", "contact_name"])
def test_it_answers_a_lone_surrogate_in_an_offer_with_a_field_error(api, seeded, field):
    before = Offer.objects.count()
    errors = field_errors(post_json(api, OFFERS, offer_data(**{field: f"Visir {SURROGATE}"})))
    assert list(errors) == [field]
    assert Offer.objects.count() == before


def test_it_answers_a_lone_surrogate_in_an_incident_with_a_field_error(api_as, rh_staff):
    errors = field_errors(post_json(api_as(rh_staff), INCIDENTS, incident_body(title=f"Krise {SURROGATE}")))
    assert list(errors) == ["title"]


def test_it_answers_a_lone_surrogate_in_an_access_request_with_a_field_error(api_as, grundfos_member):
    errors = field_errors(
        post_json(
            api_as(grundfos_member),
            ACCESS_REQUESTS,
            {"project_title": f"Projekt {SURROGATE}", "datasets": [{"dataset": "landspatientregisteret"}]},
        )
    )
    assert list(errors) == ["project_title"]


def test_it_answers_a_lone_surrogate_nested_in_a_list_with_the_top_field(api, seeded):
    errors = field_errors(post_json(api, VOLUNTEERS, volunteer_body(skills=["nurse", SURROGATE])))
    assert list(errors) == ["skills"]


def test_it_answers_absurdly_nested_json_with_a_400(api, seeded):
    body = "[" * 20000 + "]" * 20000
    response = api.generic("POST", VOLUNTEERS, body, content_type="application/json")
    assert response.status_code == 400
    assert "errors" in response.json()


@pytest.mark.parametrize("value", ["nej", "no", "maybe", 1])
def test_it_never_reads_a_word_as_yes_on_an_organisation_or_partnership(api_as, platform_admin, value):
    client = api_as(platform_admin)
    errors = field_errors(
        client.post(
            "/api/v1/organisations/",
            {"name": "Testfirma ApS", "kind": "company", "is_acute_hospital": value},
            format="json",
        )
    )
    assert "is_acute_hospital" in errors
    errors = field_errors(
        client.post(
            "/api/v1/partnerships/", {"title": "Testpartnerskab", "is_national": value}, format="json"
        )
    )
    assert "is_national" in errors


@pytest.mark.parametrize("value", ["nej", "no", "maybe", "ja tak"])
def test_it_the_volunteer_page_never_reads_a_word_as_consent(client, seeded, value):
    """Finding 8 on the web form: a browser sends "on" for a ticked box; anything else is
    refused, not read as yes."""
    form = {
        "name": "Karen Jensen",
        "email": "karen@example.dk",
        "skills": "nurse",
        "municipality": "101",
        "travel_radius_km": "25",
        "consent": value,
    }
    response = client.post("/krise/frivillig/", form)
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert not Volunteer.objects.exists()
    response = client.post("/krise/frivillig/", {**form, "consent": "on"})
    assert response.status_code == 302
    assert Volunteer.objects.count() == 1


def test_it_a_strict_checkbox_reads_only_a_tick_or_its_absence():
    from videnbro.core.forms import StrictBooleanField

    field = StrictBooleanField(required=False)
    for sent, read in [
        ("on", True),
        ("true", True),
        ("1", True),
        (True, True),
        ("false", False),
        ("", False),
        (False, False),
    ]:
        assert field.clean(field.widget.value_from_datadict({"x": sent}, {}, "x")) is read
    assert field.clean(field.widget.value_from_datadict({}, {}, "x")) is False


@pytest.mark.parametrize("value", [5, 3.5, True])
def test_it_never_stores_a_number_as_text_on_registry_partnership_and_request_endpoints(
    api_as, platform_admin, make_user, seeded, value
):
    """Finding 8: strings accept strings only (DRF would store 5 as "5")."""
    from videnbro.partnerships.models import Partnership
    from videnbro.registry.models import Organisation

    client = api_as(platform_admin)
    organisations, partnerships = Organisation.objects.count(), Partnership.objects.count()
    assert "name" in field_errors(
        client.post("/api/v1/organisations/", {"name": value, "kind": "company"}, format="json")
    )
    assert "title" in field_errors(client.post("/api/v1/partnerships/", {"title": value}, format="json"))
    assert "text" in field_errors(client.post("/api/v1/classify/", {"text": value}, format="json"))
    assert "project_title" in field_errors(
        api_as(make_user()).post(ACCESS_REQUESTS, {"project_title": value, "datasets": []}, format="json")
    )
    assert (Organisation.objects.count(), Partnership.objects.count()) == (organisations, partnerships)
