"""Documents, never data: a real PDF, DOCX or ODT is attached; a data extract – by name or by
content, also renamed – an empty, oversized or unknown file is refused with an explanation and
leaves neither a row nor a file behind. Only the applicant uploads, only while they hold the
request; through the service, the web form and the API alike."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from videnbro.broker import services
from videnbro.broker.models import AccessRequest, RequestDocument, RequestPart
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.models import AuditLog

from .factories import (
    CSV,
    DST,
    PARQUET,
    PDF,
    PNG,
    SAS7BDAT,
    SDS,
    docx_bytes,
    upload,
    xlsx_bytes,
    zip_bytes,
)

S = AccessRequest.Status
P = RequestPart.Status

ODT = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text",
                 "content.xml": "<office:document-content/>"})
ODS = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                 "content.xml": "<office:document-content/>"})

ACCEPTED = [
    ("protokol.pdf", PDF, "application/pdf"),
    ("Protokol v2.DOCX", docx_bytes(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("godkendelse.odt", ODT, "application/vnd.oasis.opendocument.text"),
]
# (file name, content, a word the explanation must contain)
REFUSED = [
    ("udtraek.csv", CSV, "dataudtræk (CSV)"),
    ("udtraek.xlsx", xlsx_bytes(), "dataudtræk (XLSX)"),
    ("protokol.docx", xlsx_bytes(), "dataudtræk (regneark)"),
    ("protokol.odt", ODS, "dataudtræk (regneark)"),
    ("udtraek.sas7bdat", SAS7BDAT, "dataudtræk (SAS)"),
    ("protokol.pdf", SAS7BDAT, "dataudtræk (SAS)"),
    ("udtraek.parquet", PARQUET, "dataudtræk (parquet)"),
    ("protokol.pdf", PARQUET, "dataudtræk (parquet)"),
    ("protokol.pdf", CSV, "dataudtræk (tabeltekst)"),
    ("protokol.pdf", CSV.replace(b";", b"\t"), "dataudtræk (tabeltekst)"),
    ("udtraek.dta", b"<stata_dta><header>", "dataudtræk (DTA)"),
    ("tom.pdf", b"", "tom"),
    ("billede.png", PNG, "Kun dokumenter i PDF, DOCX eller ODT"),
    ("noter", b"Bare lidt tekst", "Kun dokumenter i PDF, DOCX eller ODT"),
    ("falsk.pdf", b"Dette er ikke en PDF, bare tekst.", "ikke et PDF-dokument"),
    ("falsk.docx", zip_bytes({"readme.md": "hej"}), "ikke et DOCX-dokument"),
    ("tekst-i-zip.docx", zip_bytes({"readme.txt": "hej"}), "dataudtræk"),
    ("gammel.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003/OLE"),
]
REFUSED_IDS = [f"{name}-{hint.split()[-1]}" for name, _c, hint in REFUSED]


def stored_files(request: AccessRequest) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "broker" / request.reference
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def api_upload(client, request: AccessRequest, name: str, content: bytes, kind="protocol"):
    return client.post(f"/api/v1/access-requests/{request.pk}/documents/",
                       {"kind": kind, "file": upload(name, content)}, format="multipart")


def web_upload(client, request: AccessRequest, name: str, content: bytes, kind="protocol"):
    return client.post(reverse("broker:document_upload", args=[request.reference]),
                       {"kind": kind, "file": upload(name, content)})


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def draft(make_request) -> AccessRequest:
    return make_request(S.DRAFT)


# ---------------------------------------------------------------------------------------------
# The service


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED,
                         ids=[a[0] for a in ACCEPTED])
def test_it_attaches_a_real_document(draft, applicant, name, content, content_type):
    document = services.document_add(actor=applicant, request=draft, kind="ethics",
                                     upload=upload(name, content))
    document.refresh_from_db()
    assert (document.filename, document.kind, document.content_type, document.size) == (
        name, "ethics", content_type, len(content))
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.uploaded_by == applicant
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert stored_files(draft) == [Path(document.file.path)]
    log = AuditLog.objects.get(action="broker.document.added", object_id=str(draft.pk))
    assert log.actor == applicant and log.data["sha256"] == document.sha256


def test_it_keeps_a_danish_file_name_for_the_download(draft, applicant, client_as):
    document = services.document_add(actor=applicant, request=draft, kind="protocol",
                                      upload=upload("Protokol – æøå v2.pdf", PDF))
    assert document.filename == "Protokol – æøå v2.pdf"
    response = client_as(applicant).get(
        reverse("broker:document_download", args=[draft.reference, document.pk]))
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''Protokol%20%E2%80%93%20%C3%A6%C3%B8%C3%A5%20v2.pdf" in response[
        "Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(("name", "content", "hint"), REFUSED, ids=REFUSED_IDS)
def test_it_refuses_data_and_anything_but_a_document(draft, applicant, name, content, hint):
    with pytest.raises(ValidationError) as raised:
        services.document_add(actor=applicant, request=draft, kind="protocol",
                              upload=upload(name, content))
    assert set(raised.value.message_dict) == {"file"}
    assert hint in raised.value.message_dict["file"][0]
    assert not RequestDocument.objects.exists()
    assert stored_files(draft) == []
    assert not AuditLog.objects.filter(action="broker.document.added").exists()


def test_a_data_refusal_explains_that_videnbro_never_receives_data(draft, applicant):
    with pytest.raises(ValidationError) as raised:
        services.document_add(actor=applicant, request=draft, kind="protocol",
                              upload=upload("udtraek.csv", CSV))
    message = raised.value.message_dict["file"][0]
    assert "modtager aldrig data" in message and "sikkert analysemiljø" in message


def test_no_file_is_left_behind_when_the_row_cannot_be_written(draft, applicant, monkeypatch):
    def broken_audit(**_kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_log", broken_audit)
    with pytest.raises(RuntimeError):
        services.document_add(actor=applicant, request=draft, kind="protocol",
                              upload=upload("protokol.pdf", PDF))
    assert not RequestDocument.objects.exists()
    assert stored_files(draft) == []


@override_settings(BROKER_MAX_DOCUMENT_BYTES=1024)
def test_it_refuses_a_file_over_the_size_limit(draft, applicant):
    big = PDF + b"%" * 1024
    with pytest.raises(ValidationError) as raised:
        services.document_add(actor=applicant, request=draft, kind="protocol",
                              upload=upload("stor.pdf", big))
    assert "højst 1,0\xa0KB pr. dokument" in raised.value.message_dict["file"][0]
    assert not RequestDocument.objects.exists() and stored_files(draft) == []
    # Just under the limit is fine.
    services.document_add(actor=applicant, request=draft, kind="protocol",
                          upload=upload("lille.pdf", PDF + b"%" * (1024 - len(PDF))))
    assert RequestDocument.objects.count() == 1


def test_it_needs_a_kind_and_a_file(draft, applicant):
    with pytest.raises(ValidationError) as raised:
        services.document_add(actor=applicant, request=draft, kind="opskrift",
                              upload=upload("protokol.pdf", PDF))
    assert set(raised.value.message_dict) == {"kind"}
    with pytest.raises(ValidationError) as raised:
        services.document_add(actor=applicant, request=draft, kind="protocol", upload=None)
    assert set(raised.value.message_dict) == {"file"}
    assert not RequestDocument.objects.exists()


@pytest.mark.parametrize("who", ["broker", "sds_custodian"])
def test_only_the_applicant_uploads(make_request, request, who):
    routed = make_request(S.ROUTED, parts={SDS: P.UPDATES_REQUESTED})
    with pytest.raises(PermissionDeniedError):
        services.document_add(actor=request.getfixturevalue(who), request=routed,
                              kind="protocol", upload=upload("protokol.pdf", PDF))
    assert not RequestDocument.objects.exists()


@pytest.mark.parametrize(("state", "parts"), [(S.DRAFT, None), (S.RETURNED, None),
                                              (S.ROUTED, {DST: P.UPDATES_REQUESTED})])
def test_the_applicant_uploads_while_holding_the_request(make_request, applicant, state, parts):
    request = make_request(state, parts=parts)
    services.document_add(actor=applicant, request=request, kind="protocol",
                          upload=upload("protokol.pdf", PDF))
    assert request.documents.count() == 1


@pytest.mark.parametrize(("state", "parts"), [
    (S.SUBMITTED, None), (S.SCREENING, None), (S.ROUTED, {DST: P.IN_REVIEW}),
    (S.COST_ESTIMATE, None), (S.ACTIVE, None), (S.WITHDRAWN, None)])
def test_the_applicant_cannot_upload_while_others_hold_the_request(make_request, applicant,
                                                                   state, parts):
    request = make_request(state, parts=parts)
    with pytest.raises(ConflictError) as raised:
        services.document_add(actor=applicant, request=request, kind="protocol",
                              upload=upload("protokol.pdf", PDF))
    assert raised.value.status_code == 409
    assert not RequestDocument.objects.exists() and stored_files(request) == []


# ---------------------------------------------------------------------------------------------
# The API (multipart)


def test_the_api_attaches_a_document(draft, applicant, api_as):
    response = api_upload(api_as(applicant), draft, "protokol.docx", docx_bytes())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["filename"] == "protokol.docx" and body["kind"] == "protocol"
    assert body["size"] == len(docx_bytes())
    assert body["url"] == f"/api/v1/access-requests/{draft.pk}/documents/{body['id']}/"
    download = api_as(applicant).get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == docx_bytes()
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "content", "hint"), REFUSED, ids=REFUSED_IDS)
def test_the_api_refuses_data_with_an_explanation(draft, applicant, api_as, name, content, hint):
    response = api_upload(api_as(applicant), draft, name, content)
    assert response.status_code == 400, response.content
    assert hint in response.json()["errors"]["file"][0]
    assert not RequestDocument.objects.exists() and stored_files(draft) == []


def test_the_api_answers_409_outside_editable_states_and_403_to_others(
        make_request, applicant, broker, other_applicant, api_as):
    submitted = make_request(S.SUBMITTED)
    response = api_upload(api_as(applicant), submitted, "protokol.pdf", PDF)
    assert response.status_code == 409 and response.json()["errors"]
    assert api_upload(api_as(broker), submitted, "protokol.pdf", PDF).status_code == 403
    assert api_upload(api_as(other_applicant), submitted, "protokol.pdf",
                      PDF).status_code == 404
    assert not RequestDocument.objects.exists()


def test_the_api_names_a_missing_file_or_kind(draft, applicant, api_as):
    client = api_as(applicant)
    url = f"/api/v1/access-requests/{draft.pk}/documents/"
    response = client.post(url, {"kind": "protocol"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    response = client.post(url, {"file": upload("protokol.pdf", PDF)}, format="multipart")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


@override_settings(UPLOAD_MAX_REQUEST_BYTES=4096)
def test_the_api_answers_413_over_the_request_size_limit(draft, applicant, api_as):
    response = api_upload(api_as(applicant), draft, "stor.pdf", PDF + b"%" * 8192)
    assert response.status_code == 413
    assert response.json()["errors"]["detail"]
    assert not RequestDocument.objects.exists()


# ---------------------------------------------------------------------------------------------
# The web form


def test_the_web_form_attaches_a_document(draft, applicant, client_as):
    client = client_as(applicant)
    response = web_upload(client, draft, "protokol.pdf", PDF, kind="funding")
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url() + "#documents"
    assert messages_of(response) == [("success", "Dokumentet »protokol.pdf« er vedhæftet.")]
    document = draft.documents.get()
    assert document.kind == "funding" and document.size == len(PDF)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "protokol.pdf" in page
    assert reverse("broker:document_download", args=[draft.reference, document.pk]) in page


@pytest.mark.parametrize(("name", "content", "hint"), [
    ("udtraek.xlsx", xlsx_bytes(), "dataudtræk (XLSX)"),
    ("protokol.pdf", PARQUET, "dataudtræk (parquet)"),
    ("tom.pdf", b"", "tom")], ids=["xlsx", "parquet-as-pdf", "empty"])
def test_the_web_form_refuses_data_with_a_message(draft, applicant, client_as, name, content,
                                                  hint):
    response = web_upload(client_as(applicant), draft, name, content)
    assert response.status_code == 302
    ((level, message),) = messages_of(response)
    assert level == "error" and hint in message
    assert not RequestDocument.objects.exists() and stored_files(draft) == []


def test_the_web_form_refuses_uploads_outside_editable_states(make_request, applicant, broker,
                                                              client_as):
    submitted = make_request(S.SUBMITTED)
    response = web_upload(client_as(applicant), submitted, "protokol.pdf", PDF)
    assert response.status_code == 302
    assert [level for level, _m in messages_of(response)] == ["error"]
    assert web_upload(client_as(broker), submitted, "protokol.pdf", PDF).status_code == 403
    assert not RequestDocument.objects.exists()


@override_settings(UPLOAD_MAX_REQUEST_BYTES=4096)
def test_the_web_form_answers_413_over_the_request_size_limit(draft, applicant, client_as):
    response = web_upload(client_as(applicant), draft, "stor.pdf", PDF + b"%" * 8192)
    assert response.status_code == 413
    assert not RequestDocument.objects.exists() and stored_files(draft) == []


def test_the_upload_form_is_shown_only_to_the_applicant_holding_the_request(
        make_request, applicant, broker, client_as):
    draft = make_request(S.DRAFT)
    submitted = make_request(S.SUBMITTED)
    marker = 'data-testid="upload"'
    assert marker in client_as(applicant).get(draft.get_absolute_url()).content.decode()
    assert marker not in client_as(applicant).get(submitted.get_absolute_url()).content.decode()
    assert marker not in client_as(broker).get(draft.get_absolute_url()).content.decode()
