"""Findings of the review of the data entry point, each pinned by a test: odd input is a
field error (never a 500), a stale page cannot undo a move, a ZIP is never inflated, data
hidden in a document is refused, a document uploaded by mistake can be removed."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from videnbro.broker import services
from videnbro.broker.models import AccessRequest, RequestDocument, RequestPart
from videnbro.core.errors import ConflictError

from .factories import CSV, DBCG, LPR, PDF, SDS, docx_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.regression]
S = AccessRequest.Status
P = RequestPart.Status
REQUESTS = "/api/v1/access-requests/"


def test_it_a_cost_estimate_that_rounds_past_the_limit_is_refused_not_stored(make_request, broker, client_as):
    request = make_request(S.ROUTED, parts=P.APPROVED)
    with pytest.raises(ValidationError) as raised:
        services.request_transition(
            actor=broker, access_request=request, to=S.COST_ESTIMATE, cost_estimate="9999999999,999"
        )
    assert "cost_estimate" in raised.value.message_dict
    assert client_as(broker).get(reverse("broker:overview")).status_code == 200


def test_it_a_stale_edit_cannot_undo_a_submission(make_request, applicant, broker):
    stale = make_request(S.DRAFT)
    fresh = services.request_transition(
        actor=applicant, access_request=AccessRequest.objects.get(pk=stale.pk), to=S.SUBMITTED
    )
    services.request_transition(actor=broker, access_request=fresh, to=S.SCREENING)
    with pytest.raises(ConflictError):
        services.request_save(actor=applicant, access_request=stale, data={"purpose": "gammel"})
    stored = AccessRequest.objects.get(pk=stale.pk)
    assert stored.status == S.SCREENING and stored.due_at is not None
    assert stored.purpose != "gammel"


@pytest.mark.parametrize("value", [5, True, {}, [1]])
def test_it_a_date_of_the_wrong_json_type_is_a_field_error(applicant, api_as, value):
    response = api_as(applicant).post(REQUESTS, {"project_title": "t", "period_from": value}, format="json")
    assert response.status_code == 400
    assert "period_from" in response.json()["errors"]


@pytest.mark.parametrize(
    "field, value", [("project_title", ["a"]), ("purpose", {"x": 1}), ("purpose", "x" * 20_001)]
)
def test_it_text_of_the_wrong_type_or_length_is_a_field_error(applicant, api_as, field, value):
    data = {"project_title": "t", field: value}
    response = api_as(applicant).post(REQUESTS, data, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not AccessRequest.objects.filter(applicant=applicant).exists()


def test_it_control_characters_are_dropped_from_text(applicant):
    request = services.request_save(
        actor=applicant, data={"project_title": "Søvn\x00 og\x0b hjerte", "purpose": "linje 1\nlinje 2\tfane"}
    )
    assert request.project_title == "Søvn og hjerte"
    assert request.purpose == "linje 1\nlinje 2\tfane"


@pytest.mark.parametrize("body", [[], "x", 5])
def test_it_the_documents_endpoint_wants_multipart(make_request, applicant, api_as, body):
    request = make_request(S.DRAFT)
    response = api_as(applicant).post(f"{REQUESTS}{request.pk}/documents/", body, format="json")
    assert response.status_code == 400 and "file" in response.json()["errors"]


@pytest.mark.parametrize("part", ["²", "٣", "1" * 30, "abc"])
def test_it_an_odd_part_id_is_a_field_error(make_request, broker, client_as, part):
    request = make_request(S.ROUTED)
    response = client_as(broker).post(
        reverse("broker:request_transition", args=[request.reference]), {"to": P.IN_REVIEW, "part": part}
    )
    assert response.status_code == 302
    assert request.parts.filter(status=P.IN_REVIEW).count() == 0


def _zip(members: dict[str, bytes], *, compress: bool = True) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("bombe.odt", _zip({"mimetype": b"a" * 300_000_000})),  # inflates to 300 MB
        ("med-data.docx", _zip({"word/document.xml": b"<w/>", "data/udtraek.csv": CSV})),
        ("med-parquet.docx", _zip({"word/document.xml": b"<w/>", "x.parquet": b"PAR1"})),
        ("csv-med-pdf-hoved.pdf", b"%PDF-1.4\n" + CSV * 3),
    ],
)
def test_it_data_hidden_in_a_document_is_refused_without_inflating_it(make_request, applicant, name, content):
    import tracemalloc

    request = make_request(S.DRAFT)
    tracemalloc.start()
    with pytest.raises(ValidationError) as raised:
        services.document_add(
            actor=applicant, access_request=request, kind="protocol", upload=upload(name, content)
        )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "dataudtræk" in raised.value.message_dict["file"][0]
    assert peak < 50 * 1024 * 1024
    assert not RequestDocument.objects.exists()


def test_it_the_applicant_removes_a_document_while_documents_may_change(
    make_request, applicant, broker, api_as, client_as, django_capture_on_commit_callbacks
):
    request = make_request(S.DRAFT, datasets=(LPR,))
    document = services.document_add(
        actor=applicant, access_request=request, kind="protocol", upload=upload("forkert.pdf", PDF)
    )
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    url = f"{REQUESTS}{request.pk}/documents/{document.pk}/"
    with django_capture_on_commit_callbacks(execute=True):  # the file goes at commit
        assert api_as(applicant).delete(url).status_code == 204
    assert not RequestDocument.objects.exists() and not storage.exists(name)

    second = services.document_add(
        actor=applicant,
        access_request=request,
        kind="ethics",
        upload=upload("godkendelse.docx", docx_bytes()),
    )
    web = reverse("broker:document_remove", args=[request.reference, second.pk])
    request = services.request_transition(actor=applicant, access_request=request, to=S.SUBMITTED)
    response = client_as(applicant).post(web)  # sent: the documents are part of it now
    assert response.status_code == 302 and RequestDocument.objects.filter(pk=second.pk).exists()
    assert api_as(broker).delete(f"{REQUESTS}{request.pk}/documents/{second.pk}/").status_code == 403


def test_it_a_custodian_sees_only_the_amendments_routed_to_it(
    make_request, applicant, broker, custodians, api_as, client_as
):
    parent = make_request(S.ACTIVE, datasets=(LPR, DBCG))
    amendment = services.request_save(
        actor=applicant, parent=parent, data={}, datasets=[{"dataset": DBCG, "variables": ["ER-status"]}]
    )
    for to in (S.SUBMITTED, S.SCREENING, S.ROUTED):
        amendment = services.request_transition(
            actor=applicant if to == S.SUBMITTED else broker, access_request=amendment, to=to
        )
    detail = api_as(custodians[SDS]).get(f"{REQUESTS}{parent.pk}/").json()
    assert detail["amendments"] == []  # routed to RKKP only
    assert api_as(broker).get(f"{REQUESTS}{parent.pk}/").json()["amendments"] == [amendment.reference]
    page = client_as(custodians[SDS]).get(parent.get_absolute_url()).content.decode()
    assert amendment.reference not in page


def test_it_the_inbox_keeps_its_filters_across_pages(make_request, custodians, client_as):
    for _n in range(26):
        make_request(S.ROUTED, datasets=(LPR,))
    response = client_as(custodians[SDS]).get(reverse("broker:inbox"), {"status": P.PENDING})
    assert response.status_code == 200 and response.context["page"].has_next()
    assert "status=pending&amp;page=2" in response.content.decode()


def test_it_an_edit_refused_because_the_request_moved_on_keeps_what_was_typed(
    make_request, applicant, broker, client_as
):
    request = make_request(S.DRAFT)
    edit = reverse("broker:request_edit", args=[request.reference])
    client = client_as(applicant)
    assert client.get(edit).status_code == 200  # the page is open in a tab …
    services.request_transition(actor=applicant, access_request=request, to=S.SUBMITTED)  # … sent
    response = client.post(
        edit, {"project_title": "Ny titel skrevet i den gamle fane", "datasets": [LPR], "then": "stay"}
    )
    assert response.status_code == 200
    assert "Ny titel skrevet i den gamle fane" in response.content.decode()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert AccessRequest.objects.get(pk=request.pk).status == S.SUBMITTED


def test_it_the_amendment_page_of_an_ended_request_explains_instead_of_failing(
    make_request, applicant, broker, client_as
):
    request = make_request(S.ACTIVE)
    services.request_transition(actor=broker, access_request=request, to=S.CLOSED)
    response = client_as(applicant).get(reverse("broker:amendment_create", args=[request.reference]))
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
