"""The crisis endpoints under /api/v1/: the offer front door (201 receipt, field errors, need
requirements, idempotency, 409/413/429), the private status link, what each role may see and
do (incidents, needs, inbox, triage, volunteers, three frames) and the OpenAPI schema."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.core.models import AuditLog
from videnbro.core.throttling import OfferRateThrottle
from videnbro.crisis import services
from videnbro.crisis.models import Incident, Need, Offer, Volunteer
from videnbro.crisis.signing import check_offer_token, check_volunteer_token
from videnbro.registry.services import contact_add

from .factories import need_data, offer_data, status_token

OFFERS = "/api/v1/offers/"
NEEDS = "/api/v1/needs/"
INCIDENTS = "/api/v1/incidents/"
VOLUNTEERS = "/api/v1/volunteers/"
FRAMES = "/api/v1/capacity-frames/"


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json()


def errors(response, status: int = 400) -> dict:
    body = ok(response, status)
    assert set(body) >= {"errors"}
    return body["errors"]


def post_offer(client, data: dict, **headers):
    return client.post(OFFERS, data, format="json", **headers)


def detail(offer_id: int, token: str | None = None) -> str:
    return f"{OFFERS}{offer_id}/" + (f"?token={token}" if token else "")


@pytest.fixture
def receipt(api, db):
    """An offer submitted anonymously through the API: its 201 body."""
    return ok(post_offer(api, offer_data()), 201)


# ---------------------------------------------------------------------------------------------
# The front door


def test_it_answers_201_with_a_receipt_after_storing_the_offer(api, db):
    response = post_offer(api, offer_data(title="Visirer", contact_email="a@firma.example"))
    body = ok(response, 201)
    assert set(body) == {"id", "reference", "status", "status_label", "status_url"}
    assert body["status"] == "new"
    offer = Offer.objects.get(pk=body["id"])
    assert offer.reference == body["reference"]
    assert (offer.title, offer.contact_email, offer.channel) == ("Visirer", "a@firma.example", "api")
    assert body["status_url"].startswith("http://testserver/")
    assert body["reference"] in body["status_url"]
    assert check_offer_token(offer, status_token(body["status_url"]))
    assert (
        DBTaskResult.objects.filter(
            task_path="videnbro.crisis.services.processing.process_offer", status="READY"
        ).count()
        == 1
    )
    assert AuditLog.objects.filter(action="crisis.offer.received", object_id=str(offer.pk)).exists()
    assert "Idempotent-Replayed" not in response


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_email": "ikke en adresse"}, "contact_email"),
        ({"title": None}, "title"),
        ({"offerer_cvr": "12345678"}, "offerer_cvr"),
        ({"colour": "blå"}, "colour"),
        ({"available_from": "2026-05-10", "available_until": "2026-05-01"}, "available_until"),
        ({"terms": "price"}, "price"),
        ({"quantity": "mange"}, "quantity"),
        ({"municipality": "Atlantis"}, "municipality"),
    ],
)
def test_it_answers_400_naming_the_invalid_field(api, db, overrides, field):
    count = Offer.objects.count()
    assert list(errors(post_offer(api, offer_data(**overrides)))) == [field]
    assert Offer.objects.count() == count


def test_it_names_every_invalid_field_at_once(api, db):
    found = errors(post_offer(api, {"offerer_name": "", "contact_email": "x", "colour": 1}))
    assert set(found) == {"colour"}  # unknown fields are refused before anything else
    found = errors(post_offer(api, {"contact_email": "x", "offerer_cvr": "1"}))
    assert set(found) == {"offerer_name", "contact_email", "offerer_cvr", "title", "description"}
    assert all(isinstance(m, str) and m for messages in found.values() for m in messages)


@pytest.mark.parametrize("body", ["[1, 2]", '"tekst"', "{ikke json"])
def test_it_a_body_that_is_not_a_json_object_is_a_400(api, db, body):
    response = api.post(OFFERS, body, content_type="application/json")
    assert "errors" in ok(response, 400)


def test_it_the_needs_requirements_are_named_when_missing(api, make_need):
    need = make_need(requirements=["ce_marking", "quantity", "delivery_days"])
    found = errors(post_offer(api, offer_data(need=need.pk, quantity=None, unit=None)))
    assert set(found) == {"ce_marking", "quantity", "unit", "delivery_days"}
    assert "CE-mærket" in found["ce_marking"][0]
    body = ok(post_offer(api, offer_data(need=need.pk, ce_marking=True, delivery_days=2)), 201)
    offer = Offer.objects.get(pk=body["id"])
    assert offer.need == need and offer.details == {"ce_marking": True, "delivery_days": 2}


def test_it_an_idempotency_key_replays_the_same_offer(api, db):
    data = offer_data()
    first = post_offer(api, data, HTTP_IDEMPOTENCY_KEY="klient-7")
    count = Offer.objects.count()
    again = post_offer(api, data, HTTP_IDEMPOTENCY_KEY="klient-7")
    assert ok(again, 201) == ok(first, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Offer.objects.count() == count
    assert Offer.objects.filter(idempotency_key="klient-7").count() == 1


def test_it_the_same_key_with_another_body_is_409(api, db):
    ok(post_offer(api, offer_data(title="Visirer"), HTTP_IDEMPOTENCY_KEY="k"), 201)
    count = Offer.objects.count()
    found = errors(post_offer(api, offer_data(title="Masker"), HTTP_IDEMPOTENCY_KEY="k"), 409)
    assert "idempotency_key" in found
    assert Offer.objects.count() == count


def test_it_an_oversized_body_is_413_and_stores_nothing(api, db, settings):
    count = Offer.objects.count()
    data = offer_data(description="x" * (settings.OFFER_MAX_BYTES + 1))
    assert "detail" in errors(post_offer(api, data), 413)
    assert Offer.objects.count() == count


def test_it_a_client_over_its_limit_gets_429_with_retry_after(api, db, monkeypatch):
    monkeypatch.setattr(
        OfferRateThrottle, "THROTTLE_RATES", {**OfferRateThrottle.THROTTLE_RATES, "offers": "2/min"}
    )
    for _attempt in range(2):
        ok(post_offer(api, offer_data()), 201)
    count = Offer.objects.count()
    response = post_offer(api, offer_data())
    assert "detail" in errors(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    assert Offer.objects.count() == count
    other_client = post_offer(api, offer_data(), REMOTE_ADDR="192.0.2.44")
    ok(other_client, 201)


def test_it_html_in_free_text_is_stored_and_returned_as_text_and_escaped_on_the_page(api, client, db):
    script = "<script>alert('hej')</script><img src=x onerror=alert(1)>"
    body = ok(post_offer(api, offer_data(description=script, title="<b>Visirer</b>")), 201)
    assert Offer.objects.get(pk=body["id"]).description == script
    shown = ok(api.get(detail(body["id"], status_token(body["status_url"]))))
    assert shown["description"] == script and shown["title"] == "<b>Visirer</b>"
    page = client.get(urlparse(body["status_url"]).path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert('hej')</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;hej&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Visirer&lt;/b&gt;" in html


# ---------------------------------------------------------------------------------------------
# The status link and who sees an offer


def test_it_the_status_link_shows_the_processed_offer(api, need, run_tasks, org):
    # A registered contact person's address: attributed, not an unverified claim.
    contact_add(
        actor=SYSTEM, organisation=org("statens-serum-institut"), name="Beredskab", email="beredskab@ssi.dk"
    )
    body = ok(
        post_offer(api, offer_data(offerer_name="Statens Serum Institut", contact_email="beredskab@ssi.dk")),
        201,
    )
    token = status_token(body["status_url"])
    before = ok(api.get(detail(body["id"], token)))
    assert (before["status"], before["processed"], before["focus_area"]) == ("new", False, "")
    assert before["organisation"] is None
    run_tasks()
    shown = ok(api.get(detail(body["id"], token)))
    assert shown["processed"] is True
    assert shown["focus_area"] == "ppe" and shown["item"] == "visors"
    assert shown["organisation"]["id"] == org("statens-serum-institut").pk
    assert shown["need"] == {"id": need.pk, "title": need.title, "authority": "Region Hovedstaden"}
    assert [e["kind"] for e in shown["events"]] == ["received", "processed"]
    assert "contact" not in shown and "offerer_cvr" not in shown
    assert all("actor" not in e for e in shown["events"])
    header = api.get(detail(body["id"]), HTTP_X_OFFER_TOKEN=token)
    assert ok(header)["id"] == body["id"]


def test_it_an_offer_is_not_found_without_its_token_or_with_a_wrong_one(api, api_as, receipt, member):
    token = status_token(receipt["status_url"])
    other = ok(post_offer(api, offer_data()), 201)
    for response in (
        api.get(detail(receipt["id"])),
        api.get(detail(receipt["id"], "0" * 32)),
        api.get(detail(receipt["id"], token[:-1])),
        api.get(detail(other["id"], token)),
        api_as(member).get(detail(receipt["id"])),
        api.get(detail(10**9, token)),
        api.get(f"{OFFERS}abc/"),
    ):
        assert response.status_code == 404, response.content


def test_it_contact_data_is_shown_only_to_the_authority_it_is_routed_to(
    api_as, routed_offer, rh_staff, sst_staff, platform_admin, processed
):
    shown = ok(api_as(rh_staff).get(detail(routed_offer.pk)))
    assert shown["contact"]["email"] == routed_offer.contact_email
    assert shown["routed_to"]["key"] == "region-hovedstaden"
    assert shown["offerer_name"] == routed_offer.offerer_name
    assert ok(api_as(platform_admin).get(detail(routed_offer.pk)))["contact"]["email"]
    assert api_as(sst_staff).get(detail(routed_offer.pk)).status_code == 404
    unrouted = processed(
        title="Sengepladser", category="hospital_beds", description="Tyve ledige senge på klinikken."
    )
    assert unrouted.routed_to is None
    seen = ok(api_as(sst_staff).get(detail(unrouted.pk)))  # to claim it
    assert seen["contact"] is None
    assert seen["offerer_name"] == unrouted.offerer_name


# ---------------------------------------------------------------------------------------------
# Inbox and triage


def test_it_the_inbox_is_for_authorities_and_holds_their_own_and_unrouted_offers(
    api, api_as, member, rh_staff, sst_staff, routed_offer, processed
):
    unrouted = processed(
        title="Sengepladser", category="hospital_beds", description="Tyve ledige senge på klinikken."
    )
    assert api.get(OFFERS).status_code == 403
    assert api_as(member).get(OFFERS).status_code == 403
    rh_ids = {row["id"] for row in ok(api_as(rh_staff).get(OFFERS))["results"]}
    assert rh_ids == {routed_offer.pk, unrouted.pk}
    sst_ids = {row["id"] for row in ok(api_as(sst_staff).get(OFFERS))["results"]}
    assert sst_ids == {unrouted.pk}
    mine = ok(api_as(rh_staff).get(f"{OFFERS}?routed=mine"))["results"]
    assert [row["id"] for row in mine] == [routed_offer.pk]
    assert ok(api_as(rh_staff).get(f"{OFFERS}?status=accepted"))["count"] == 0
    assert ok(api_as(rh_staff).get(f"{OFFERS}?category=hospital_beds"))["count"] == 1
    assert "status" in errors(api_as(rh_staff).get(f"{OFFERS}?status=lost"))


def test_it_the_inbox_sorts_by_match_score_then_age(api_as, rh_staff, need, processed):
    unrouted = processed(
        title="Sengepladser", category="hospital_beds", description="Tyve ledige senge på klinikken."
    )
    weaker = processed(title="Visirer", description="Plastvisirer.", category="test")
    stronger = processed()
    assert stronger.match_score > weaker.match_score
    ids = [row["id"] for row in ok(api_as(rh_staff).get(OFFERS))["results"]]
    assert ids == [stronger.pk, weaker.pk, unrouted.pk]
    oldest = ok(api_as(rh_staff).get(f"{OFFERS}?ordering=oldest"))["results"]
    assert [row["id"] for row in oldest] == [unrouted.pk, weaker.pk, stronger.pk]


def test_it_the_inbox_runs_a_fixed_number_of_queries(api_as, rh_staff, need, processed):
    client = api_as(rh_staff)
    processed()
    ok(client.get(OFFERS))  # the token's first use is recorded once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            ok(client.get(OFFERS))
        return len(queries)

    few = count()
    for _i in range(4):
        processed()
    assert count() == few


def test_it_triage_through_the_api_answers_409_with_the_allowed_states(api_as, rh_staff, routed_offer):
    client = api_as(rh_staff)
    url = f"{detail(routed_offer.pk)}transitions/"
    body = ok(client.post(url, {"to": "fulfilled"}, format="json"), 409)
    assert body["allowed"] == ["declined", "in_review"]
    assert "to" in body["errors"]
    assert "note" in errors(client.post(url, {"to": "declined"}, format="json"))
    moved = ok(client.post(url, {"to": "in_review", "note": "Ser godt ud"}, format="json"))
    assert moved["status"] == "in_review"
    assert moved["first_triaged_at"] is not None
    assert moved["events"][-1]["note"] == "Ser godt ud"
    event = routed_offer.events.get(kind="transition")
    assert event.actor == rh_staff


def test_it_another_authority_cannot_triage_and_does_not_learn_the_offer_exists(
    api, api_as, sst_staff, member, routed_offer
):
    url = f"{detail(routed_offer.pk)}transitions/"
    for client in (api, api_as(member), api_as(sst_staff)):
        response = client.post(url, {"to": "in_review"}, format="json")
        assert response.status_code == 404, response.content
    assert Offer.objects.get(pk=routed_offer.pk).status == "new"


def test_it_an_authority_claims_an_unrouted_offer_through_the_api(api_as, sst_staff, rh_staff, processed):
    offer = processed(
        title="Sengepladser", category="hospital_beds", description="Tyve ledige senge på klinikken."
    )
    claimed = ok(api_as(sst_staff).post(f"{detail(offer.pk)}claim/"))
    assert claimed["routed_to"]["key"] == "sundhedsstyrelsen"
    assert claimed["contact"]["email"] == offer.contact_email  # now theirs to triage
    assert api_as(rh_staff).post(f"{detail(offer.pk)}claim/").status_code == 404


def test_it_the_offerer_answers_and_withdraws_with_the_token(api, api_as, rh_staff, need):
    body = ok(post_offer(api, offer_data()), 201)
    token = status_token(body["status_url"])
    offer = Offer.objects.get(pk=body["id"])
    Offer.objects.filter(pk=offer.pk).update(routed_to=need.owner)
    services.offer_request_information(actor=rh_staff, offer=offer, message="Pris pr. stk.?")
    url = detail(offer.pk, token)
    assert "colour" in errors(api.patch(url, {"colour": "rød"}, format="json"))
    assert "quantity" in errors(api.patch(url, {"quantity": "-2"}, format="json"))
    shown = ok(api.patch(url, {"quantity": "2500", "note": "2 kr. pr. stk."}, format="json"))
    assert shown["status"] == "in_review"
    assert shown["quantity"] == "2500.00"
    assert shown["events"][-1]["kind"] == "offerer_update"
    assert "2 kr. pr. stk." in shown["events"][-1]["note"]
    assert api_as(rh_staff).patch(detail(offer.pk), {"quantity": "1"}, format="json").status_code == 403
    assert api.patch(detail(offer.pk, "f" * 32), {"quantity": "1"}, format="json").status_code == 404
    assert ok(api.post(f"{detail(offer.pk)}withdraw/?token={token}"))["status"] == "withdrawn"
    assert ok(api.post(f"{detail(offer.pk)}withdraw/?token={token}"), 409)["allowed"] == []
    assert api.patch(url, {"quantity": "1"}, format="json").status_code == 409


# ---------------------------------------------------------------------------------------------
# Incidents


def test_it_anyone_lists_incidents_including_the_seeded_covid_wave(api, db):
    rows = ok(api.get(f"{INCIDENTS}?page_size=100"))["results"]
    (covid,) = [row for row in rows if row["key"] == "covid-19-foerste-boelge-2020"]
    assert covid["status"] == "stood_down"
    assert covid["partnerships"] == 62
    assert {o["key"] for o in covid["responsible"]} >= {"sundhedsstyrelsen", "region-hovedstaden"}
    assert set(covid["regions"]) == {"nordjylland", "midtjylland", "syddanmark", "hovedstaden", "sjaelland"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 403),
        (Role.ORGANISATION_MEMBER, 403),
        (Role.CLUSTER_SECRETARIAT, 403),
        (Role.AUTHORITY_STAFF, 201),
        (Role.PLATFORM_ADMIN, 201),
    ],
)
def test_it_declaring_an_incident_is_for_authorities(api, api_as, make_user, org, role, status):
    client = api if role is None else api_as(make_user(role, organisation=org("region-hovedstaden")))
    response = client.post(
        INCIDENTS,
        {"title": "Cyberangreb på hospitals-IT", "kind": "cyber", "regions": ["hovedstaden", "sjaelland"]},
        format="json",
    )
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["status"] == "declared"
        assert sorted(body["regions"]) == ["hovedstaden", "sjaelland"]
        assert [o["key"] for o in body["responsible"]] == ["region-hovedstaden"]
    else:
        assert not Incident.objects.filter(title="Cyberangreb på hospitals-IT").exists()


def test_it_incident_status_through_the_api(api_as, rh_staff, sst_staff):
    client = api_as(rh_staff)
    incident = ok(client.post(INCIDENTS, {"title": "Hedebølge", "kind": "weather"}, format="json"), 201)
    url = f"{INCIDENTS}{incident['id']}/transitions/"
    assert api_as(sst_staff).post(url, {"to": "active"}, format="json").status_code == 403
    assert ok(client.post(url, {"to": "active"}, format="json"))["status"] == "active"
    refused = ok(client.post(url, {"to": "declared"}, format="json"), 409)
    assert refused["allowed"] == ["stood_down"]
    down = ok(client.post(url, {"to": "stood_down"}, format="json"))
    assert down["status"] == "stood_down" and down["stood_down_at"]
    assert ok(client.post(url, {"to": "active"}, format="json"), 409)["allowed"] == []
    assert "to" in errors(client.post(url, {}, format="json"))


# ---------------------------------------------------------------------------------------------
# Needs


def test_it_anonymous_users_see_only_open_unexpired_needs_of_live_incidents(
    api, api_as, rh_staff, make_need, incident, staff_of
):
    shown = make_need(title="Åbent behov")
    draft = make_need(title="Kladde", publish=False)
    expired = make_need(title="Udløbet")
    Need.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    closed = make_need(title="Lukket")
    services.need_transition(actor=rh_staff, need=closed, to="closed")
    ids = {row["id"] for row in ok(api.get(NEEDS))["results"]}
    assert ids == {shown.pk}
    assert ok(api.get(f"{NEEDS}{shown.pk}/"))["title"] == "Åbent behov"
    for hidden in (draft, expired, closed):
        assert api.get(f"{NEEDS}{hidden.pk}/").status_code == 404
    own = {row["id"] for row in ok(api_as(rh_staff).get(NEEDS))["results"]}
    assert own == {shown.pk, draft.pk, expired.pk, closed.pk}
    assert {row["id"] for row in ok(api_as(staff_of("sundhedsstyrelsen")).get(NEEDS))["results"]} == {
        shown.pk
    }
    services.incident_transition(actor=rh_staff, incident=incident, to="stood_down")
    assert ok(api.get(NEEDS))["results"] == []
    assert api.get(f"{NEEDS}{shown.pk}/").status_code == 404
    # Another authority no longer sees it as published either; the owner keeps its own.
    assert ok(api_as(staff_of("sundhedsstyrelsen")).get(NEEDS))["results"] == []
    assert shown.pk in {row["id"] for row in ok(api_as(rh_staff).get(NEEDS))["results"]}


def test_it_a_need_is_serialised_with_its_offer_link(api, need):
    row = ok(api.get(f"{NEEDS}{need.pk}/"))
    assert row["incident"] == need.incident.key
    assert row["owner"]["key"] == "region-hovedstaden"
    assert (row["focus_area"], row["item"], row["quantity"], row["unit"]) == (
        "ppe",
        "visors",
        "5000.00",
        "stk.",
    )
    assert row["is_expired"] is False
    assert row["offer_url"].endswith(f"/{need.pk}/tilbyd/")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 403),
        (Role.ORGANISATION_MEMBER, 403),
        (Role.AUTHORITY_STAFF, 201),
    ],
)
def test_it_posting_a_need_is_for_authority_staff(api, api_as, make_user, org, incident, role, status):
    client = api if role is None else api_as(make_user(role, organisation=org("region-hovedstaden")))
    data = {**need_data(incident), "incident": incident.key, "requirements": ["ce_marking", "quantity"]}
    response = client.post(NEEDS, data, format="json")
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["requirements"] == ["ce_marking", "quantity"]
        assert body["owner"]["key"] == "region-hovedstaden"


def test_it_a_need_with_an_unknown_incident_or_item_is_a_400(api_as, rh_staff, incident):
    client = api_as(rh_staff)
    found = errors(
        client.post(
            NEEDS, {**need_data(incident), "incident": "ingen-hændelse", "item": "raketter"}, format="json"
        )
    )
    assert set(found) == {"incident", "item"}


def test_it_need_status_and_confirmation_are_the_owners(api_as, rh_staff, sst_staff, need):
    url = f"{NEEDS}{need.pk}/"
    assert api_as(sst_staff).post(f"{url}transitions/", {"to": "closed"}, format="json").status_code == 403
    assert ok(api_as(rh_staff).post(f"{url}transitions/", {"to": "draft"}, format="json"), 409)[
        "allowed"
    ] == ["closed", "fulfilled"]
    assert (
        ok(api_as(rh_staff).post(f"{url}transitions/", {"to": "fulfilled"}, format="json"))["status"]
        == "fulfilled"
    )
    assert "days" in errors(api_as(rh_staff).post(f"{url}confirm/", {"days": "mange"}, format="json"))
    assert "days" in errors(api_as(rh_staff).post(f"{url}confirm/", {"days": 365}, format="json"))
    confirmed = ok(api_as(rh_staff).post(f"{url}confirm/", {"days": 30}, format="json"))
    assert confirmed["is_expired"] is False


# ---------------------------------------------------------------------------------------------
# Volunteers


def volunteer_body(**overrides) -> dict:
    body = {
        "name": "Ole Sørensen",
        "email": "ole@example.dk",
        "skills": ["nurse"],
        "has_danish_authorisation": True,
        "municipality": "147",
        "travel_radius_km": 20,
        "consent": True,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_it_a_volunteer_registers_with_consent(api, db):
    assert list(errors(api.post(VOLUNTEERS, volunteer_body(consent=None), format="json"))) == ["consent"]
    assert list(errors(api.post(VOLUNTEERS, volunteer_body(consent=False), format="json"))) == ["consent"]
    assert "age" in errors(api.post(VOLUNTEERS, volunteer_body(age=40), format="json"))
    assert not Volunteer.objects.exists()
    body = ok(api.post(VOLUNTEERS, volunteer_body(skills=["nurse", "driver"]), format="json"), 201)
    assert set(body) == {"id", "reference", "status_url"}
    volunteer = Volunteer.objects.get(pk=body["id"])
    assert volunteer.skills == ["nurse", "driver"]
    assert check_volunteer_token(volunteer, status_token(body["status_url"]))


def test_it_authorities_list_volunteers_without_name_or_contact_data(api, api_as, member, rh_staff):
    ok(api.post(VOLUNTEERS, volunteer_body(phone="+45 11 22 33 44"), format="json"), 201)
    assert api.get(VOLUNTEERS).status_code == 403
    assert api_as(member).get(VOLUNTEERS).status_code == 403
    (row,) = ok(api_as(rh_staff).get(VOLUNTEERS))["results"]
    assert row["municipality"] == "147" and row["skills"] == ["nurse"]
    text = json.dumps(row)
    assert not {"name", "email", "phone", "certificates"} & set(row)
    assert "ole@example.dk" not in text and "Ole" not in text and "11 22 33" not in text


def test_it_the_need_owner_sees_matching_volunteers_by_skill_and_distance(
    api, api_as, rh_staff, sst_staff, make_need
):
    need = make_need(
        item="staff",
        skills=["nurse"],
        municipality="101",
        title="Sygeplejersker",
        quantity="4",
        unit="personer",
    )
    near = ok(api.post(VOLUNTEERS, volunteer_body(), format="json"), 201)
    ok(api.post(VOLUNTEERS, volunteer_body(municipality="851", email="langt@example.dk"), format="json"), 201)
    ok(api.post(VOLUNTEERS, volunteer_body(skills=["driver"], email="bil@example.dk"), format="json"), 201)
    url = f"{NEEDS}{need.pk}/volunteers/"
    (match,) = ok(api_as(rh_staff).get(url))
    assert match["id"] == near["id"]
    assert match["matching_skills"] == ["nurse"]
    assert 0 < match["distance_km"] < 5
    assert "email" not in match and "name" not in match
    assert api_as(sst_staff).get(url).status_code == 403
    assert api.get(url).status_code == 403


# ---------------------------------------------------------------------------------------------
# Three frames and schema


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 403),
        (Role.ORGANISATION_MEMBER, 403),
        (Role.AUTHORITY_STAFF, 200),
        (Role.PLATFORM_ADMIN, 200),
    ],
)
def test_it_the_three_frames_are_for_authorities(api, api_as, make_user, org, role, status):
    client = api if role is None else api_as(make_user(role, organisation=org("region-hovedstaden")))
    response = client.get(f"{FRAMES}?authority=region-hovedstaden&item=visors")
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert body["authority"]["key"] == "region-hovedstaden"
        assert (body["item"], body["category"]) == ("visors", "ppe")
        assert [f["frame"] for f in body["frames"]] == ["own", "partners", "society"]


def test_it_the_three_frames_name_their_invalid_parameters(api_as, rh_staff):
    client = api_as(rh_staff)
    assert set(errors(client.get(f"{FRAMES}?authority=ingen&item=raketter"))) == {"authority", "item"}
    assert set(errors(client.get(f"{FRAMES}?authority=region-hovedstaden"))) == {"item"}
    assert set(errors(client.get(f"{FRAMES}?authority=region-hovedstaden&category=x"))) == {"category"}


def test_it_the_openapi_schema_documents_the_crisis_endpoints(api, db):
    schema = ok(api.get("/api/v1/openapi.json"))
    paths = schema["paths"]
    for path in (
        "/api/v1/offers/",
        "/api/v1/offers/{id}/",
        "/api/v1/offers/{id}/transitions/",
        "/api/v1/needs/",
        "/api/v1/incidents/",
        "/api/v1/volunteers/",
        "/api/v1/capacity-frames/",
    ):
        assert path in paths, path
    offer_post = paths["/api/v1/offers/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in offer_post.get("parameters", [])}
    assert "201" in offer_post["responses"]


def test_it_the_need_and_incident_lists_run_a_fixed_number_of_queries(api, rh_staff, make_need):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            ok(api.get(url))
        return len(queries)

    make_need()
    needs, incidents = count(NEEDS), count(INCIDENTS)
    for number in range(3):
        make_need(municipality="101")
        services.incident_declare(
            actor=rh_staff, data={"title": f"Hændelse {number}", "kind": "other", "regions": ["sjaelland"]}
        )
    assert (count(NEEDS), count(INCIDENTS)) == (needs, incidents)


def test_it_html_from_an_offerer_is_escaped_on_the_authoritys_pages(client, rh_staff, need, processed):
    offer = processed(
        description="Visirer <script>alert('x')</script>", title="Visirer <img src=x onerror=alert(1)>"
    )
    assert offer.routed_to_id == need.owner_id
    client.force_login(rh_staff)
    for url in (f"/krise/tilbud/{offer.pk}/", "/krise/indbakke/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert offer.reference in html
        assert "<script>alert('x')</script>" not in html and "<img src=x" not in html, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, url
