"""Documents, never data: a real PDF, DOCX or ODT is attached; a data extract – by name or by
content, also renamed – an empty, oversized or unknown file is refused with an explanation and
leaves neither a row nor a file behind. Only the applicant uploads, only while they hold the
request; through the service, the web form and the API alike."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from videnbro.broker import services
from videnbro.broker.inspection import validate_document
from videnbro.broker.models import AccessRequest, RequestDocument, RequestPart
from videnbro.broker.services import documents as document_services
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

ODT = zip_bytes(
    {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"}
)
ODS = zip_bytes(
    {
        "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": "<office:document-content/>",
    }
)

ACCEPTED = [
    ("protokol.pdf", PDF, "application/pdf"),
    (
        "Protokol v2.DOCX",
        docx_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
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
    return client.post(
        f"/api/v1/access-requests/{request.pk}/documents/",
        {"kind": kind, "file": upload(name, content)},
        format="multipart",
    )


def web_upload(client, request: AccessRequest, name: str, content: bytes, kind="protocol"):
    return client.post(
        reverse("broker:document_upload", args=[request.reference]),
        {"kind": kind, "file": upload(name, content)},
    )


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def draft(make_request) -> AccessRequest:
    return make_request(S.DRAFT)


# ---------------------------------------------------------------------------------------------
# The service


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_it_attaches_a_real_document(draft, applicant, name, content, content_type):
    document = services.document_add(
        actor=applicant, access_request=draft, kind="ethics", upload=upload(name, content)
    )
    document.refresh_from_db()
    assert (document.filename, document.kind, document.content_type, document.size) == (
        name,
        "ethics",
        content_type,
        len(content),
    )
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.uploaded_by == applicant
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert stored_files(draft) == [Path(document.file.path)]
    log = AuditLog.objects.get(action="broker.document.added", object_id=str(draft.pk))
    assert log.actor == applicant and log.data["sha256"] == document.sha256


def test_it_keeps_a_danish_file_name_for_the_download(draft, applicant, client_as):
    document = services.document_add(
        actor=applicant, access_request=draft, kind="protocol", upload=upload("Protokol – æøå v2.pdf", PDF)
    )
    assert document.filename == "Protokol – æøå v2.pdf"
    response = client_as(applicant).get(
        reverse("broker:document_download", args=[draft.reference, document.pk])
    )
    assert "attachment" in response["Content-Disposition"]
    assert (
        "filename*=utf-8''Protokol%20%E2%80%93%20%C3%A6%C3%B8%C3%A5%20v2.pdf"
        in response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(("name", "content", "hint"), REFUSED, ids=REFUSED_IDS)
def test_it_refuses_data_and_anything_but_a_document(draft, applicant, name, content, hint):
    with pytest.raises(ValidationError) as raised:
        services.document_add(
            actor=applicant, access_request=draft, kind="protocol", upload=upload(name, content)
        )
    assert set(raised.value.message_dict) == {"file"}
    assert hint in raised.value.message_dict["file"][0]
    assert not RequestDocument.objects.exists()
    assert stored_files(draft) == []
    assert not AuditLog.objects.filter(action="broker.document.added").exists()


def test_it_a_data_refusal_explains_that_videnbro_never_receives_data(draft, applicant):
    with pytest.raises(ValidationError) as raised:
        services.document_add(
            actor=applicant, access_request=draft, kind="protocol", upload=upload("udtraek.csv", CSV)
        )
    message = raised.value.message_dict["file"][0]
    assert "modtager aldrig data" in message and "sikkert analysemiljø" in message


def test_it_no_file_is_left_behind_when_the_row_cannot_be_written(draft, applicant, monkeypatch):
    def broken_audit(**_kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(document_services, "audit_log", broken_audit)
    with pytest.raises(RuntimeError):
        services.document_add(
            actor=applicant, access_request=draft, kind="protocol", upload=upload("protokol.pdf", PDF)
        )
    assert not RequestDocument.objects.exists()
    assert stored_files(draft) == []


@override_settings(BROKER_MAX_DOCUMENT_BYTES=1024)
def test_it_refuses_a_file_over_the_size_limit(draft, applicant):
    big = PDF + b"%" * 1024
    with pytest.raises(ValidationError) as raised:
        services.document_add(
            actor=applicant, access_request=draft, kind="protocol", upload=upload("stor.pdf", big)
        )
    assert "højst 1,0\xa0KB pr. dokument" in raised.value.message_dict["file"][0]
    assert not RequestDocument.objects.exists() and stored_files(draft) == []
    # Just under the limit is fine.
    services.document_add(
        actor=applicant,
        access_request=draft,
        kind="protocol",
        upload=upload("lille.pdf", PDF + b"%" * (1024 - len(PDF))),
    )
    assert RequestDocument.objects.count() == 1


def test_it_needs_a_kind_and_a_file(draft, applicant):
    with pytest.raises(ValidationError) as raised:
        services.document_add(
            actor=applicant, access_request=draft, kind="opskrift", upload=upload("protokol.pdf", PDF)
        )
    assert set(raised.value.message_dict) == {"kind"}
    with pytest.raises(ValidationError) as raised:
        services.document_add(actor=applicant, access_request=draft, kind="protocol", upload=None)
    assert set(raised.value.message_dict) == {"file"}
    assert not RequestDocument.objects.exists()


@pytest.mark.parametrize("who", ["broker", "sds_custodian"])
def test_it_only_the_applicant_uploads(make_request, request, who):
    routed = make_request(S.ROUTED, parts={SDS: P.UPDATES_REQUESTED})
    with pytest.raises(PermissionDeniedError):
        services.document_add(
            actor=request.getfixturevalue(who),
            access_request=routed,
            kind="protocol",
            upload=upload("protokol.pdf", PDF),
        )
    assert not RequestDocument.objects.exists()


@pytest.mark.parametrize(
    ("state", "parts"), [(S.DRAFT, None), (S.RETURNED, None), (S.ROUTED, {DST: P.UPDATES_REQUESTED})]
)
def test_it_the_applicant_uploads_while_holding_the_request(make_request, applicant, state, parts):
    request = make_request(state, parts=parts)
    services.document_add(
        actor=applicant, access_request=request, kind="protocol", upload=upload("protokol.pdf", PDF)
    )
    assert request.documents.count() == 1


@pytest.mark.parametrize(
    ("state", "parts"),
    [
        (S.SUBMITTED, None),
        (S.SCREENING, None),
        (S.ROUTED, {DST: P.IN_REVIEW}),
        (S.COST_ESTIMATE, None),
        (S.ACTIVE, None),
        (S.WITHDRAWN, None),
    ],
)
def test_it_the_applicant_cannot_upload_while_others_hold_the_request(make_request, applicant, state, parts):
    request = make_request(state, parts=parts)
    with pytest.raises(ConflictError) as raised:
        services.document_add(
            actor=applicant, access_request=request, kind="protocol", upload=upload("protokol.pdf", PDF)
        )
    assert raised.value.status_code == 409
    assert not RequestDocument.objects.exists() and stored_files(request) == []


# ---------------------------------------------------------------------------------------------
# The API (multipart)


def test_it_the_api_attaches_a_document(draft, applicant, api_as):
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
def test_it_the_api_refuses_data_with_an_explanation(draft, applicant, api_as, name, content, hint):
    response = api_upload(api_as(applicant), draft, name, content)
    assert response.status_code == 400, response.content
    assert hint in response.json()["errors"]["file"][0]
    assert not RequestDocument.objects.exists() and stored_files(draft) == []


def test_it_the_api_answers_409_outside_editable_states_and_403_to_others(
    make_request, applicant, broker, other_applicant, api_as
):
    submitted = make_request(S.SUBMITTED)
    response = api_upload(api_as(applicant), submitted, "protokol.pdf", PDF)
    assert response.status_code == 409 and response.json()["errors"]
    assert api_upload(api_as(broker), submitted, "protokol.pdf", PDF).status_code == 403
    assert api_upload(api_as(other_applicant), submitted, "protokol.pdf", PDF).status_code == 404
    assert not RequestDocument.objects.exists()


def test_it_the_api_names_a_missing_file_or_kind(draft, applicant, api_as):
    client = api_as(applicant)
    url = f"/api/v1/access-requests/{draft.pk}/documents/"
    response = client.post(url, {"kind": "protocol"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    response = client.post(url, {"file": upload("protokol.pdf", PDF)}, format="multipart")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


@override_settings(UPLOAD_MAX_REQUEST_BYTES=4096)
def test_it_the_api_answers_413_over_the_request_size_limit(draft, applicant, api_as):
    response = api_upload(api_as(applicant), draft, "stor.pdf", PDF + b"%" * 8192)
    assert response.status_code == 413
    assert response.json()["errors"]["detail"]
    assert not RequestDocument.objects.exists()


# ---------------------------------------------------------------------------------------------
# The web form


def test_it_the_web_form_attaches_a_document(draft, applicant, client_as):
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


@pytest.mark.parametrize(
    ("name", "content", "hint"),
    [
        ("udtraek.xlsx", xlsx_bytes(), "dataudtræk (XLSX)"),
        ("protokol.pdf", PARQUET, "dataudtræk (parquet)"),
        ("tom.pdf", b"", "tom"),
    ],
    ids=["xlsx", "parquet-as-pdf", "empty"],
)
def test_it_the_web_form_refuses_data_with_a_message(draft, applicant, client_as, name, content, hint):
    response = web_upload(client_as(applicant), draft, name, content)
    assert response.status_code == 302
    ((level, message),) = messages_of(response)
    assert level == "error" and hint in message
    assert not RequestDocument.objects.exists() and stored_files(draft) == []


def test_it_the_web_form_refuses_uploads_outside_editable_states(make_request, applicant, broker, client_as):
    submitted = make_request(S.SUBMITTED)
    response = web_upload(client_as(applicant), submitted, "protokol.pdf", PDF)
    assert response.status_code == 302
    assert [level for level, _m in messages_of(response)] == ["error"]
    assert web_upload(client_as(broker), submitted, "protokol.pdf", PDF).status_code == 403
    assert not RequestDocument.objects.exists()


@override_settings(UPLOAD_MAX_REQUEST_BYTES=4096)
def test_it_the_web_form_answers_413_over_the_request_size_limit(draft, applicant, client_as):
    response = web_upload(client_as(applicant), draft, "stor.pdf", PDF + b"%" * 8192)
    assert response.status_code == 413
    assert not RequestDocument.objects.exists() and stored_files(draft) == []


def test_it_the_upload_form_is_shown_only_to_the_applicant_holding_the_request(
    make_request, applicant, broker, client_as
):
    draft = make_request(S.DRAFT)
    submitted = make_request(S.SUBMITTED)
    marker = 'data-testid="upload"'
    assert marker in client_as(applicant).get(draft.get_absolute_url()).content.decode()
    assert marker not in client_as(applicant).get(submitted.get_absolute_url()).content.decode()
    assert marker not in client_as(broker).get(draft.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------------------------
# The whole file, and ZIP members by content (issue 12, finding 9)


def _deflated(members: dict[str, bytes]) -> bytes:
    """A ZIP as Word and LibreOffice write it: deflated members (the mimetype stored)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def _png(width: int = 40, height: int = 30) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width * 3)) for y in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


NOISE = random.Random(12).randbytes(60_000)  # stands for a font's or a photo's bytes
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + NOISE[:20_000] + b"\xff\xd9"
OLE_WORKBOOK = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\x00" * 16
    + b"\x3e\x00\x03\x00"
    + b"\x00" * 100
    + "Workbook".encode("utf-16-le")
    + b"\x00" * 380
)
SQLITE = b"SQLite format 3\x00\x10\x00\x01\x01\x00\x40\x20\x20" + b"\x00" * 200


def word_document(**extra: bytes) -> bytes:
    """A DOCX shaped like Word's: relationships, styles, properties, a theme, a picture, a
    photo and an embedded (obfuscated) font, deflated – plus `extra` members."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return _deflated(
        {
            "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="png" ContentType="image/'
            b'png"/><Default Extension="odttf" ContentType="application/'
            b'vnd.openxmlformats-officedocument.obfuscatedFont"/></Types>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "docProps/core.xml": b'<?xml version="1.0"?><cp:coreProperties/>',
            "docProps/app.xml": b'<?xml version="1.0"?><Properties><Company>KU, SUND</Company></Properties>',
            "word/document.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?>\r\n<w:document {w}>'
                "<w:body>"
                + "".join(
                    f"<w:p><w:r><w:t>Afsnit {i}: kohorte, 2010–2020, "
                    "brystkræft; senfølger.</w:t></w:r></w:p>\n"
                    for i in range(40)
                )
                + "</w:body></w:document>"
            ).encode(),
            "word/_rels/document.xml.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/styles.xml": b'<?xml version="1.0"?><w:styles/>',
            "word/theme/theme1.xml": b'<?xml version="1.0"?><a:theme name="Office"/>',
            "word/media/image1.png": _png(),
            "word/media/image2.jpeg": JPEG,
            "word/fonts/font1.odttf": NOISE,
            **extra,
        }
    )


def odt_document(**extra: bytes) -> bytes:
    return _deflated(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b'<?xml version="1.0"?><office:document-content><text:p>Protokol, '
            b"version 2; godkendt.</text:p></office:document-content>",
            "styles.xml": b'<?xml version="1.0"?><office:document-styles/>',
            "meta.xml": b'<?xml version="1.0"?><office:document-meta/>',
            "manifest.rdf": b'<?xml version="1.0"?><rdf:RDF/>',
            "settings.xml": b'<?xml version="1.0"?><office:document-settings/>',
            "Pictures/100000000000002800000030.png": _png(),
            "Thumbnails/thumbnail.png": _png(16, 16),
            "Configurations2/accelerator/current.xml": b"",
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
            **extra,
        }
    )


PDF_PADDED = b"%PDF-1.4\n%" + b"x" * 5000 + b"\n"  # more than the 4 KB that used to be read
PDF_BINARY = (
    PDF + b"4 0 obj << /Length 60000 /Filter /FlateDecode >> stream\n" + NOISE + b"\nendstream endobj\n"
)

REAL_DOCUMENTS = [
    (
        "protokol-med-billeder.docx",
        word_document(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("godkendelse-med-billede.odt", odt_document(), "application/vnd.oasis.opendocument.text"),
    ("protokol-med-billeder.pdf", PDF_BINARY, "application/pdf"),
]
# (name, content, what the refusal names) – each got through before.
BYPASSES = [
    ("protokol.pdf", PDF_PADDED + CSV, "dataudtræk (tabeltekst)"),
    ("protokol.pdf", PDF_BINARY + CSV * 20, "dataudtræk (tabeltekst)"),
    ("protokol.pdf", PDF_PADDED + CSV.replace(b";", b"\t"), "dataudtræk (tabeltekst)"),
    ("protokol.pdf", PDF_BINARY + SQLITE, "dataudtræk (SQLite)"),
    ("protokol.pdf", PDF_BINARY + OLE_WORKBOOK, "dataudtræk (Excel 97-2003/OLE)"),
    ("protokol.pdf", PDF_BINARY + PARQUET, "dataudtræk (parquet)"),
    ("protokol.docx", word_document(**{"word/embeddings/data.csv.": CSV}), "datafiler i et ZIP-arkiv"),
    ("protokol.docx", word_document(**{"word/embeddings/data.csv ": CSV}), "datafiler i et ZIP-arkiv"),
    (
        "protokol.docx",
        word_document(**{"word/embeddings/oleObject1.bin": OLE_WORKBOOK}),
        "datafiler i et ZIP-arkiv",
    ),
    (
        "protokol.docx",
        word_document(**{"word/embeddings/package1.bin": xlsx_bytes()}),
        "datafiler i et ZIP-arkiv",
    ),
    ("protokol.docx", word_document(**{"word/media/image3.png": PARQUET}), "datafiler i et ZIP-arkiv"),
    ("protokol.docx", word_document(**{"word/media/db": SQLITE}), "datafiler i et ZIP-arkiv"),
    ("protokol.docx", word_document(**{"word/notes": CSV * 3}), "datafiler i et ZIP-arkiv"),
    (
        "protokol.docx",
        word_document(
            **{
                "customXml/item9.xml": (
                    b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:'
                    b'schemas-microsoft-com:office:spreadsheet"/>'
                )
            }
        ),
        "dataudtræk (regneark)",
    ),
    ("protokol.docx", word_document() + CSV * 3, "dataudtræk (tabeltekst)"),
    ("godkendelse.odt", odt_document(**{"Pictures/data.csv.": CSV}), "datafiler i et ZIP-arkiv"),
    ("godkendelse.odt", odt_document(**{"Object 1/content.bin": OLE_WORKBOOK}), "datafiler i et ZIP-arkiv"),
]
BYPASS_IDS = [f"{name}-{i}" for i, (name, _c, _h) in enumerate(BYPASSES)]


@pytest.mark.parametrize(
    ("name", "content", "content_type"), REAL_DOCUMENTS, ids=[d[0] for d in REAL_DOCUMENTS]
)
def test_it_real_documents_with_pictures_and_fonts_pass(draft, applicant, name, content, content_type):
    document = services.document_add(
        actor=applicant, access_request=draft, kind="protocol", upload=upload(name, content)
    )
    assert document.content_type == content_type and document.size == len(content)


@pytest.mark.regression
@pytest.mark.parametrize(("name", "content", "hint"), BYPASSES, ids=BYPASS_IDS)
def test_it_data_anywhere_in_the_file_or_in_a_renamed_member_is_refused(
    draft, applicant, name, content, hint
):
    """A CSV behind a %PDF header and more than 4 KB of padding, and DOCX members named
    "data.csv.", "data.csv " or "*.bin" holding an OLE workbook, passed (issue 12, finding 9)."""
    with pytest.raises(ValidationError) as raised:
        services.document_add(
            actor=applicant, access_request=draft, kind="protocol", upload=upload(name, content)
        )
    assert hint in raised.value.message_dict["file"][0]
    assert not RequestDocument.objects.exists() and stored_files(draft) == []


def test_it_the_whole_file_is_read_in_chunks_not_copied(draft, applicant):
    """Near the size limit, inspecting a file costs a few chunks of memory, not copies of it."""
    content = PDF_BINARY * (settings.BROKER_MAX_DOCUMENT_BYTES // len(PDF_BINARY) - 1)
    assert len(content) > 9 * 1024 * 1024
    import tracemalloc

    tracemalloc.start()
    try:
        assert validate_document(upload("stor.pdf", content)) == "application/pdf"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024
    with pytest.raises(ValidationError):  # and the end of it is read, too
        validate_document(upload("stor.pdf", content + CSV))
