"""The API conventions of issue 13 §4 and the state-machine messages of §3 in the access-request
endpoints: every coded value is its code with `<field>_label` = {"da", "en"} beside it, a refused
move names states by their labels (never a raw code) and a download names its file through
Django's own header helper."""

from __future__ import annotations

import pytest
from django.urls import reverse

from videnbro.broker.models import AccessRequest, RequestPart

from .factories import DST, LPR, PDF, SDS, upload

S = AccessRequest.Status
P = RequestPart.Status
REQUESTS = "/api/v1/access-requests/"
REGISTER = "/api/v1/access-register/"


def _json(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_it_labels_every_coded_value_of_a_request(make_request, applicant, api_as):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW})
    body = _json(api_as(applicant).get(f"{REQUESTS}{request.pk}/"))
    assert body["status"] == "routed"
    assert body["status_label"] == {
        "da": "Til behandling hos dataansvarlige",
        "en": body["status_label"]["en"],
    }
    assert body["status_label"]["en"] and body["status_label"]["en"] != body["status_label"]["da"]
    assert body["kind"] == "new" and body["kind_label"]["da"] == "Ny ansøgning"
    assert body["environment"] == "dst_research_service"
    assert body["environment_label"]["da"] == "Danmarks Statistiks forskermaskine"
    (sds,) = [p for p in body["parts"] if p["custodian"]["key"] == SDS]
    assert sds["status"] == "in_review" and sds["status_label"]["da"] == "Under behandling"
    event = body["events"][-1]
    assert event["to_status"] == "in_review" and event["to_status_label"]["da"] == "Under behandling"
    assert event["actor_role"] == "custodian" and event["actor_role_label"]["da"] == "Dataansvarlig"
    assert body["events"][0]["from_status_label"]["da"] == "Kladde"
    # The moves in the same shape as labels: the applicant may withdraw.
    assert body["moves"]["request"] == ["withdrawn"]
    assert body["moves_label"]["request"] == [{"da": "Trukket tilbage", "en": "Withdrawn"}]
    assert body["moves_label"]["parts"].keys() == body["moves"]["parts"].keys()


def test_it_labels_the_status_in_the_list_and_the_register(make_request, broker, api, api_as):
    make_request(S.ACTIVE, datasets=(LPR,))
    (entry,) = _json(api_as(broker).get(REQUESTS))["results"]
    assert entry["status"] == "active" and entry["status_label"]["da"] == "Aktiv"
    assert entry["kind_label"]["en"]
    (listed,) = _json(api.get(REGISTER))["results"]
    assert listed["status"] == "active" and listed["status_label"] == {"da": "Aktiv", "en": "Active"}


def test_it_labels_a_documents_kind(make_request, applicant, api_as):
    draft = make_request(S.DRAFT)
    body = _json(
        api_as(applicant).post(
            f"{REQUESTS}{draft.pk}/documents/",
            {"kind": "ethics", "file": upload("godkendelse.pdf", PDF)},
            format="multipart",
        ),
        201,
    )
    assert body["kind"] == "ethics" and body["kind_label"]["da"] == "Videnskabsetisk godkendelse"


@pytest.mark.regression
def test_it_names_states_by_their_labels_in_a_refused_move(make_request, broker, api_as):
    """Before issue 13 the 409 said »til »active«« – the raw code of the target."""
    request = make_request(S.SUBMITTED)
    response = api_as(broker).post(f"{REQUESTS}{request.pk}/transitions/", {"to": "active"}, format="json")
    body = _json(response, 409)
    message = body["errors"]["to"][0]
    assert "»Indsendt«" in message and "»Aktiv«" in message
    assert "»active«" not in message and "»submitted«" not in message
    assert body["allowed"] == {"request": ["screening", "withdrawn"], "parts": {}}


@pytest.mark.regression
def test_it_names_part_states_by_their_labels_in_a_refused_part_move(make_request, custodians, api_as):
    """Before issue 13 a refused part move named its target by its code (»approved«)."""
    request = make_request(S.ROUTED)
    part = request.parts.get(custodian__key=DST)
    response = api_as(custodians[DST]).post(
        f"{REQUESTS}{request.pk}/transitions/", {"to": "approved", "part": part.pk}, format="json"
    )
    message = _json(response, 409)["errors"]["to"][0]
    assert "»Afventer«" in message and "»Godkendt«" in message and "»approved«" not in message


def test_it_names_the_register_export_through_djangos_header(make_request, client):
    make_request(S.ACTIVE, datasets=(LPR,))
    response = client.get(reverse("broker:register"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="videnbro-dataanvendelser.csv"'
