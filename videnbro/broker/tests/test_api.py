"""The access-request API: create and edit drafts, move through the state machine (200/409/403/
400), read a request with its parts, trail and the caller's moves, amendments, the public
register of approved uses (no personal data) and the OpenAPI schema."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from videnbro.broker import services
from videnbro.broker.models import AccessRequest, RequestPart

from .factories import BEF, DBCG, DST, LPR, RKKP, SDS, VARIABLES, dataset_choices, project_data

S = AccessRequest.Status
P = RequestPart.Status
REQUESTS = "/api/v1/access-requests/"
REGISTER = "/api/v1/access-register/"


def url(request: AccessRequest, suffix: str = "") -> str:
    return f"{REQUESTS}{request.pk}/{suffix}"


def errors(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"errors"}
    return body["errors"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def part_id(request: AccessRequest, custodian: str) -> int:
    return request.parts.get(custodian__key=custodian).pk


# ---------------------------------------------------------------------------------------------
# Creating and editing


def test_it_creates_a_draft_across_custodians(seeded, applicant, api_as):
    body = ok(
        api_as(applicant).post(
            REQUESTS, {**project_data(), "datasets": dataset_choices(LPR, BEF, DBCG)}, format="json"
        ),
        201,
    )

    assert re.fullmatch(r"DA-[2-9A-Z]{4}-[2-9A-Z]{4}", body["reference"])
    assert body["status"] == S.DRAFT and body["kind"] == "new" and body["parent"] is None
    assert body["project_title"] == project_data()["project_title"]
    assert body["organisation"]["key"] == "koebenhavns-universitet"
    assert body["applicant"] == {"name": "Karen Testesen-Blixen", "email": applicant.email}
    assert {d["dataset"]: (d["custodian"], d["variables"]) for d in body["datasets"]} == {
        LPR: (SDS, VARIABLES[LPR]),
        BEF: (DST, VARIABLES[BEF]),
        DBCG: (RKKP, VARIABLES[DBCG]),
    }
    assert body["parts"] == [] and body["events"] == [] and body["documents"] == []
    assert body["moves"] == {"request": [S.SUBMITTED, S.WITHDRAWN], "parts": {}}
    assert body["url"] == f"/dataindgang/{body['reference']}/"
    stored = AccessRequest.objects.get(reference=body["reference"])
    assert stored.applicant == applicant and stored.status == S.DRAFT
    assert stored.requested_datasets.count() == 3


def test_it_accepts_dataset_ids_and_bare_keys(seeded, applicant, api_as):
    from videnbro.datamap.models import Dataset

    lpr = Dataset.objects.get(key=LPR)
    body = ok(
        api_as(applicant).post(
            REQUESTS, {"project_title": "Id og nøgle", "datasets": [{"dataset": lpr.pk}, BEF]}, format="json"
        ),
        201,
    )
    assert {d["dataset"]: d["variables"] for d in body["datasets"]} == {LPR: [], BEF: []}


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"datasets": [{"dataset": "findes-ikke"}]}, "datasets", "findes-ikke"),
        (
            {"datasets": [{"dataset": LPR, "variables": ["C_ADIAG", "SKOSTOERRELSE"]}]},
            "datasets",
            "SKOSTOERRELSE",
        ),
        ({"datasets": [{"dataset": LPR, "variables": "C_ADIAG"}]}, "datasets", "variables"),
        ({"datasets": [LPR, LPR]}, "datasets", "to gange"),
        ({"datasets": "landspatientregisteret"}, "datasets", ""),
        ({"period_from": "2024-01-01", "period_to": "2023-12-31"}, "period_to", "før"),
        ({"period_from": "i går"}, "period_from", ""),
        ({"project_title": ""}, "project_title", ""),
        ({"environment": "under-skrivebordet"}, "environment", ""),
        ({"environment": "sandbox", "sandbox": None}, "sandbox", ""),
    ],
    ids=[
        "unknown-dataset",
        "unknown-variable",
        "variables-not-a-list",
        "dataset-twice",
        "datasets-not-a-list",
        "period-backwards",
        "bad-date",
        "no-title",
        "bad-environment",
        "sandbox-missing",
    ],
)
def test_it_names_the_bad_field(seeded, applicant, api_as, change, field, text):
    data = {**project_data(), "datasets": dataset_choices(LPR), **change}
    found = errors(api_as(applicant).post(REQUESTS, data, format="json"))
    assert field in found
    assert text in " ".join(found[field])
    assert not AccessRequest.objects.exists()


def test_it_needs_a_project_title(seeded, applicant, api_as):
    data = project_data()
    del data["project_title"]
    assert set(errors(api_as(applicant).post(REQUESTS, data, format="json"))) == {"project_title"}
    assert errors(api_as(applicant).post(REQUESTS, [1, 2], format="json"))
    assert not AccessRequest.objects.exists()


def test_it_edits_a_draft_keeping_what_was_not_sent(make_request, applicant, api_as):
    request = make_request(S.DRAFT)
    body = ok(
        api_as(applicant).patch(
            url(request), {"purpose": "Nyt formål", "datasets": dataset_choices(BEF)}, format="json"
        )
    )
    assert body["purpose"] == "Nyt formål"
    assert body["legal_basis"] == project_data()["legal_basis"]
    assert body["period_from"] == "2010-01-01"
    assert [d["dataset"] for d in body["datasets"]] == [BEF]
    body = ok(api_as(applicant).patch(url(request), {"funding": "Novo"}, format="json"))
    assert [d["dataset"] for d in body["datasets"]] == [BEF]  # datasets not sent: kept
    request.refresh_from_db()
    assert (request.purpose, request.funding) == ("Nyt formål", "Novo")


def test_it_edits_a_returned_request(make_request, applicant, api_as):
    request = make_request(S.RETURNED)
    ok(api_as(applicant).patch(url(request), {"description": "Uddybet"}, format="json"))
    assert AccessRequest.objects.get(pk=request.pk).description == "Uddybet"


@pytest.mark.parametrize("state", [S.SUBMITTED, S.ROUTED, S.ACTIVE, S.WITHDRAWN])
def test_it_refuses_to_edit_a_request_that_is_not_editable(make_request, applicant, api_as, state):
    request = make_request(state)
    response = api_as(applicant).patch(url(request), {"purpose": "Sneget ind"}, format="json")
    assert errors(response, 409)
    assert response.json()["allowed"] == []
    assert AccessRequest.objects.get(pk=request.pk).purpose == project_data()["purpose"]


def test_it_only_the_applicant_edits(make_request, broker, other_applicant, api_as):
    request = make_request(S.DRAFT)
    assert errors(api_as(broker).patch(url(request), {"purpose": "X"}, format="json"), 404)
    request = make_request(S.RETURNED)  # the broker sees it, but only the applicant edits
    assert errors(api_as(broker).patch(url(request), {"purpose": "X"}, format="json"), 403)
    assert errors(api_as(other_applicant).patch(url(request), {"purpose": "X"}, format="json"), 404)
    assert AccessRequest.objects.get(pk=request.pk).purpose == project_data()["purpose"]


# ---------------------------------------------------------------------------------------------
# Transitions


def test_it_moves_a_request(make_request, applicant, broker, api_as):
    request = make_request(S.DRAFT)
    body = ok(api_as(applicant).post(url(request, "transitions/"), {"to": S.SUBMITTED}, format="json"))
    assert body["status"] == S.SUBMITTED
    assert body["events"][-1]["to_status"] == S.SUBMITTED
    assert body["events"][-1]["actor_role"] == "applicant"
    body = ok(api_as(broker).post(url(request, "transitions/"), {"to": S.SCREENING}, format="json"))
    assert body["status"] == S.SCREENING
    body = ok(
        api_as(broker).post(url(request, "transitions/"), {"to": S.ROUTED, "note": "Ok"}, format="json")
    )
    assert body["status"] == S.ROUTED
    assert {p["custodian"]["key"]: p["status"] for p in body["parts"]} == {
        SDS: P.PENDING,
        DST: P.PENDING,
        RKKP: P.PENDING,
    }
    assert {p["custodian"]["key"]: p["datasets"] for p in body["parts"]} == {
        SDS: [LPR],
        DST: [BEF],
        RKKP: [DBCG],
    }


def test_it_answers_409_with_the_allowed_moves(make_request, applicant, api_as):
    request = make_request(S.SUBMITTED)
    response = api_as(applicant).post(url(request, "transitions/"), {"to": S.ACTIVE}, format="json")
    assert "to" in errors(response, 409)
    assert response.json()["allowed"] == {"request": [S.SCREENING, S.WITHDRAWN], "parts": {}}
    assert AccessRequest.objects.get(pk=request.pk).status == S.SUBMITTED


def test_it_moves_a_custodians_part(make_request, custodians, api_as):
    request = make_request(S.ROUTED)
    client = api_as(custodians[SDS])
    body = ok(client.post(url(request, "transitions/"), {"to": P.IN_REVIEW}, format="json"))
    body = ok(
        client.post(
            url(request, "transitions/"),
            {
                "to": P.APPROVED_WITH_CONDITIONS,
                "note": "Kun aggregerede tal må offentliggøres.",
                "part": part_id(request, SDS),
            },
            format="json",
        )
    )
    part = next(p for p in body["parts"] if p["custodian"]["key"] == SDS)
    assert part["status"] == P.APPROVED_WITH_CONDITIONS
    assert part["conditions"] == "Kun aggregerede tal må offentliggøres."
    assert part["decided_at"] is not None
    assert body["events"][-1]["part"] == SDS


def test_it_answers_409_for_a_refused_part_move(make_request, custodians, api_as):
    request = make_request(S.ROUTED)
    response = api_as(custodians[SDS]).post(
        url(request, "transitions/"), {"to": P.APPROVED, "part": part_id(request, SDS)}, format="json"
    )
    errors(response, 409)
    assert response.json()["allowed"]["parts"][str(part_id(request, SDS))] == [P.IN_REVIEW]


def test_it_answers_403_for_another_custodians_part(make_request, custodians, api_as):
    request = make_request(S.ROUTED)
    response = api_as(custodians[SDS]).post(
        url(request, "transitions/"), {"to": P.IN_REVIEW, "part": part_id(request, DST)}, format="json"
    )
    errors(response, 403)
    assert request.parts.get(custodian__key=DST).status == P.PENDING


def test_it_answers_403_for_the_other_sides_move(make_request, applicant, api_as):
    request = make_request(S.SUBMITTED)
    errors(api_as(applicant).post(url(request, "transitions/"), {"to": S.SCREENING}, format="json"), 403)


@pytest.mark.parametrize(
    "payload",
    [
        {"to": "godkendt"},
        {},
        {"to": S.SCREENING, "part": "x"},
        {"to": S.COST_ESTIMATE, "cost_estimate": "mange penge"},
    ],
)
def test_it_answers_400_for_bad_transition_input(make_request, broker, api_as, payload):
    request = make_request(S.SUBMITTED)
    assert errors(api_as(broker).post(url(request, "transitions/"), payload, format="json"))
    assert AccessRequest.objects.get(pk=request.pk).status == S.SUBMITTED


def test_it_answers_400_for_a_missing_note_or_amount(make_request, broker, api_as):
    screening = make_request(S.SCREENING)
    assert "note" in errors(
        api_as(broker).post(url(screening, "transitions/"), {"to": S.RETURNED}, format="json")
    )
    routed = make_request(S.ROUTED, parts=P.APPROVED)
    assert "cost_estimate" in errors(
        api_as(broker).post(url(routed, "transitions/"), {"to": S.COST_ESTIMATE}, format="json")
    )
    body = ok(
        api_as(broker).post(
            url(routed, "transitions/"), {"to": S.COST_ESTIMATE, "cost_estimate": "9999.50"}, format="json"
        )
    )
    assert body["status"] == S.COST_ESTIMATE and body["cost_estimate"] == "9999.50"


# ---------------------------------------------------------------------------------------------
# Reading


def test_it_the_detail_has_parts_with_overdue_flags_events_and_the_callers_moves(
    make_request, applicant, broker, custodians, api_as
):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW, DST: P.UPDATES_REQUESTED})
    late = timezone.now() - timedelta(days=2)
    RequestPart.objects.filter(request=request, custodian__key=SDS).update(due_at=late)

    body = ok(api_as(applicant).get(url(request)))
    parts = {p["custodian"]["key"]: p for p in body["parts"]}
    assert parts[SDS]["overdue"] is True
    assert parts[DST]["overdue"] is False and parts[RKKP]["overdue"] is False
    assert body["overdue"] is True
    assert [(e["part"], e["from_status"], e["to_status"], e["actor_role"]) for e in body["events"]] == [
        (None, "draft", "submitted", "applicant"),
        (None, "submitted", "screening", "broker"),
        (None, "screening", "routed", "broker"),
        (DST, "pending", "in_review", "custodian"),
        (DST, "in_review", "updates_requested", "custodian"),
        (SDS, "pending", "in_review", "custodian"),
    ]
    assert body["events"][4]["note"] == "Afgørelse: updates_requested."
    ids = {key: str(part["id"]) for key, part in parts.items()}
    # What each caller may do now.
    assert body["moves"] == {
        "request": [S.WITHDRAWN],
        "parts": {ids[SDS]: [], ids[DST]: [P.IN_REVIEW], ids[RKKP]: []},
    }
    assert ok(api_as(custodians[SDS]).get(url(request)))["moves"] == {
        "request": [],
        "parts": {ids[SDS]: sorted(services.PART_FLOW[P.IN_REVIEW]), ids[DST]: [], ids[RKKP]: []},
    }
    assert ok(api_as(broker).get(url(request)))["moves"] == {
        "request": [],
        "parts": {ids[SDS]: sorted(services.PART_FLOW[P.IN_REVIEW]), ids[DST]: [], ids[RKKP]: [P.IN_REVIEW]},
    }


def test_it_the_list_filters_by_status_overdue_custodian_and_text(make_request, broker, api_as):
    draft = make_request(S.DRAFT, project_title="Søvn og hjertesygdom")
    submitted = make_request(S.SUBMITTED)
    routed = make_request(S.ROUTED, datasets=(BEF,))
    AccessRequest.objects.filter(pk=submitted.pk).update(due_at=timezone.now() - timedelta(days=1))
    client = api_as(broker)

    def refs(query: str) -> set[str]:
        return {r["reference"] for r in ok(client.get(f"{REQUESTS}?{query}"))["results"]}

    assert refs("status=draft") == set()  # drafts are the applicants' own
    assert refs("status=open") == {submitted.reference, routed.reference}
    assert refs("overdue=1") == {submitted.reference}
    assert refs(f"custodian={DST}") == {submitted.reference, routed.reference}
    assert refs(f"custodian={SDS}") == {submitted.reference}
    assert refs("q=hjertesygdom") == set()
    AccessRequest.objects.filter(pk=submitted.pk).update(project_title="Søvn og hjertesygdom")
    assert refs("q=hjertesygdom") == {submitted.reference}
    assert draft.reference not in refs("")
    assert refs(f"q={routed.reference}") == {routed.reference}
    assert "status" in errors(client.get(f"{REQUESTS}?status=godkendt"))


def test_it_the_list_runs_a_fixed_number_of_queries(make_request, broker, api_as):
    client = api_as(broker)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            ok(client.get(REQUESTS))
        return len(queries)

    make_request(S.ROUTED)
    count()  # the token's first use is recorded once
    first = count()
    make_request(S.ROUTED, parts={SDS: P.APPROVED})
    make_request(S.ACTIVE)
    make_request(S.DRAFT)
    assert count() == first


# ---------------------------------------------------------------------------------------------
# Amendments


def test_it_creates_an_amendment(make_request, applicant, api_as):
    parent = make_request(S.ACTIVE)
    body = ok(
        api_as(applicant).post(
            url(parent, "amendments/"),
            {"period_to": "2035-12-31", "datasets": [{"dataset": LPR, "variables": ["C_ADIAG", "C_DIAG"]}]},
            format="json",
        ),
        201,
    )
    assert body["kind"] == "amendment" and body["parent"] == parent.reference
    assert body["status"] == S.DRAFT and body["reference"] != parent.reference
    assert body["project_title"] == parent.project_title and body["period_to"] == "2035-12-31"
    assert body["datasets"][0]["variables"] == ["C_ADIAG", "C_DIAG"]
    assert ok(api_as(applicant).get(url(parent)))["amendments"] == [body["reference"]]
    assert AccessRequest.objects.get(pk=parent.pk).status == S.ACTIVE


def test_it_refuses_an_amendment_of_a_draft_or_by_someone_else(
    make_request, applicant, broker, other_applicant, api_as
):
    draft = make_request(S.DRAFT)
    errors(api_as(applicant).post(url(draft, "amendments/"), {}, format="json"), 409)
    active = make_request(S.ACTIVE)
    errors(api_as(broker).post(url(active, "amendments/"), {}, format="json"), 403)
    errors(api_as(other_applicant).post(url(active, "amendments/"), {}, format="json"), 404)
    assert not AccessRequest.objects.filter(kind=AccessRequest.Kind.AMENDMENT).exists()


# ---------------------------------------------------------------------------------------------
# The public register


@pytest.fixture
def register_requests(make_request, applicant, broker):
    """Approved uses (accepted, active, closed after use, one with one part rejected), and
    requests that must not be listed (a draft, one awaiting acceptance of the cost estimate,
    one rejected by all, one withdrawn after the estimate)."""
    listed = {
        "accepted": make_request(S.ACCEPTED, project_title="Accepteret projekt"),
        "active": make_request(
            S.ACTIVE,
            project_title="Aktivt projekt",
            parts={SDS: P.APPROVED, DST: P.REJECTED, RKKP: P.APPROVED_WITH_CONDITIONS},
        ),
        "closed": make_request(S.CLOSED, project_title="Afsluttet projekt", datasets=(BEF,)),
    }
    estimate = make_request(S.COST_ESTIMATE, project_title="Afventer accept")
    withdrawn = services.request_transition(
        actor=applicant, access_request=make_request(S.COST_ESTIMATE, project_title="Trukket"), to=S.WITHDRAWN
    )
    hidden = {
        "draft": make_request(S.DRAFT, project_title="Kladde"),
        "estimate": estimate,
        "rejected": make_request(S.CLOSED, parts=P.REJECTED, project_title="Afvist"),
        "withdrawn": withdrawn,
    }
    return listed, hidden


def test_it_the_register_is_public_and_lists_only_approved_uses(register_requests, api):
    listed, hidden = register_requests
    body = ok(api.get(REGISTER))
    assert body["count"] == len(listed)
    entries = {e["reference"]: e for e in body["results"]}
    assert set(entries) == {r.reference for r in listed.values()}
    active = entries[listed["active"].reference]
    assert active["organisation"] == "Københavns Universitet"
    assert active["purpose"] == project_data()["purpose"]
    assert active["project_title"] == "Aktivt projekt" and active["status"] == S.ACTIVE
    # Only the datasets of approved parts: Danmarks Statistik said no.
    assert {d["key"] for d in active["datasets"]} == {LPR, DBCG}
    assert {d["key"] for d in entries[listed["closed"].reference]["datasets"]} == {BEF}


def test_it_the_register_holds_no_personal_data(register_requests, api, applicant):
    listed, _hidden = register_requests
    body = ok(api.get(REGISTER))
    for entry in body["results"]:  # the status labels name the sides ("Accepted by applicant")
        entry.pop("status_label")
    text = json.dumps(body, ensure_ascii=False)
    for secret in (applicant.email, applicant.username, "Testesen", "Karen", "ansoeger", "@", "applicant"):
        assert secret not in text
    entry = ok(api.get(REGISTER))["results"][0]
    assert set(entry) == {
        "reference",
        "project_title",
        "organisation",
        "purpose",
        "datasets",
        "status",
        "status_label",
        "approved_at",
        "period_from",
        "period_to",
    }


def test_it_the_register_adds_an_approved_amendments_datasets(
    make_request, applicant, broker, custodians, api
):
    parent = make_request(S.ACTIVE, datasets=(LPR,))
    amendment = services.request_save(actor=applicant, parent=parent, data={}, datasets=dataset_choices(BEF))
    for to, actor in ((S.SUBMITTED, applicant), (S.SCREENING, broker), (S.ROUTED, broker)):
        amendment = services.request_transition(actor=actor, access_request=amendment, to=to)

    def datasets() -> set[str]:
        (entry,) = ok(api.get(REGISTER))["results"]
        assert entry["reference"] == parent.reference  # amendments are no entries of their own
        return {d["key"] for d in entry["datasets"]}

    assert datasets() == {LPR}
    for to in (P.IN_REVIEW, P.APPROVED):
        services.request_transition(actor=custodians[DST], access_request=amendment, to=to)
    amendment = services.request_transition(
        actor=broker, access_request=amendment, to=S.COST_ESTIMATE, cost_estimate=0
    )
    assert datasets() == {LPR}  # not before the applicant accepted
    services.request_transition(actor=applicant, access_request=amendment, to=S.ACCEPTED)
    assert datasets() == {LPR, BEF}


def test_it_the_register_runs_a_fixed_number_of_queries(register_requests, make_request, api):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            ok(api.get(REGISTER))
        return len(queries)

    first = count()
    make_request(S.ACTIVE)
    make_request(S.ACCEPTED, datasets=(DBCG,))
    assert count() == first


# ---------------------------------------------------------------------------------------------
# Schema


def test_it_the_openapi_schema_documents_the_broker_endpoints(db, api):
    schema = ok(api.get("/api/v1/openapi.json"))
    paths = schema["paths"]
    for path in (
        REQUESTS,
        "/api/v1/access-requests/{id}/",
        "/api/v1/access-requests/{id}/transitions/",
        "/api/v1/access-requests/{id}/documents/",
        "/api/v1/access-requests/{id}/documents/{document_id}/",
        "/api/v1/access-requests/{id}/amendments/",
        REGISTER,
    ):
        assert path in paths, path
    assert "201" in paths[REQUESTS]["post"]["responses"]
    assert (
        "multipart/form-data"
        in paths["/api/v1/access-requests/{id}/documents/"]["post"]["requestBody"]["content"]
    )
    assert "patch" in paths["/api/v1/access-requests/{id}/"]


def test_it_the_applicant_answers_updates_requested_with_changed_variables(
    make_request, applicant, custodians, api_as
):
    request = make_request(S.ROUTED, datasets=(LPR, BEF), parts={SDS: P.UPDATES_REQUESTED})
    part = request.parts.get(custodian__key=SDS)
    move = f"{REQUESTS}{request.pk}/transitions/"
    client = api_as(applicant)

    for bad, key in (
        ({BEF: ["KOEN"]}, "variables"),  # not a dataset of this part
        ({LPR: ["FINDES_IKKE"]}, "variables"),
        ({LPR: []}, "variables"),
    ):
        response = client.post(
            move, {"to": P.IN_REVIEW, "part": part.pk, "note": "Svar", "variables": bad}, format="json"
        )
        assert key in errors(response)
    assert request.parts.get(pk=part.pk).status == P.UPDATES_REQUESTED  # nothing written

    body = ok(
        client.post(
            move,
            {"to": P.IN_REVIEW, "part": part.pk, "note": "Indsnævret", "variables": {LPR: ["C_ADIAG"]}},
            format="json",
        )
    )
    assert {d["dataset"]: d["variables"] for d in body["datasets"]}[LPR] == ["C_ADIAG"]
    event = body["events"][-1]
    assert event["to_status"] == P.IN_REVIEW and "C_ADIAG" in event["note"]
    assert "Indsnævret" in event["note"]


def test_it_variables_go_only_with_the_applicants_answer(make_request, applicant, custodians, broker, api_as):
    request = make_request(S.ROUTED, datasets=(LPR,), parts={SDS: P.IN_REVIEW})
    part = request.parts.get()
    response = api_as(custodians[SDS]).post(
        f"{REQUESTS}{request.pk}/transitions/",
        {"to": P.APPROVED, "part": part.pk, "variables": {LPR: ["C_ADIAG"]}},
        format="json",
    )
    assert "variables" in errors(response)
    response = api_as(broker).post(
        f"{REQUESTS}{request.pk}/transitions/",
        {"to": S.WITHDRAWN, "variables": {LPR: ["C_ADIAG"]}},
        format="json",
    )
    assert response.status_code in (400, 403)
    assert request.parts.get().status == P.IN_REVIEW
