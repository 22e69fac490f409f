"""What may be uploaded with an access request: documents (protocol, approvals), never data.

A file is accepted when its name has a document extension *and* its content is that kind of
document (PDF signature; for .docx/.odt the ZIP holds a word-processing document, not a
spreadsheet). Anything that looks like a data extract – by extension (CSV, XLSX, SAS,
Stata, SPSS, parquet …) or by content (a spreadsheet inside a ZIP, a parquet or SAS header,
delimited text) – is refused with an explanation.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}
DATA_EXTENSIONS = {
    ".csv", ".tsv", ".txt", ".dat", ".xlsx", ".xlsm", ".xls", ".ods", ".sas7bdat", ".sas7bcat",
    ".xpt", ".sav", ".zsav", ".por", ".dta", ".parquet", ".feather", ".arrow", ".rds", ".rdata",
    ".rda", ".json", ".jsonl", ".ndjson", ".xml", ".sqlite", ".db", ".mdb", ".accdb", ".h5",
    ".hdf5", ".pkl", ".pickle", ".npy", ".zip", ".gz", ".7z", ".tar",
}
SIGNATURES = {  # first bytes of data formats, whatever the file is called
    b"PAR1": "parquet",
    b"ARROW1": "Arrow/feather",
    b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc2\xea\x81\x60": "SAS",
    b"$FL2": "SPSS",
    b"$FL3": "SPSS",
    b"SQLite format 3": "SQLite",
    b"\xd0\xcf\x11\xe0": "Excel 97-2003/OLE",
}


def max_bytes() -> int:
    return settings.BROKER_MAX_DOCUMENT_BYTES


def _refuse_data(kind: str) -> ValidationError:
    return ValidationError({"file": [_(
        "Filen ligner et dataudtræk (%(kind)s). Videnbro modtager aldrig data – kun "
        "dokumenter som protokol og godkendelser (PDF, DOCX eller ODT). Data udleveres af "
        "den dataansvarlige i et godkendt sikkert analysemiljø.") % {"kind": kind}]})


MAX_ZIP_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a document's parts together; more is a zip bomb


def _zip_kind(upload) -> str:
    """'document', 'spreadsheet', 'data' or '' for the content of a ZIP container – read
    from the central directory, without inflating anything but a short `mimetype` entry."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload.file if hasattr(upload, "file") else upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or \
                    sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
                return "data"
            names = {m.filename for m in members}
            mimetype = ""
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
            hidden = [m.filename for m in members
                      if PurePath(m.filename.lower()).suffix in DATA_EXTENSIONS - {".xml"}]
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return ""
    finally:
        upload.seek(0)
    if "xl/workbook.xml" in names or mimetype.endswith("spreadsheet"):
        return "spreadsheet"
    if hidden:
        return "data"
    if "word/document.xml" in names or mimetype == DOCUMENT_TYPES[".odt"]:
        return "document"
    return ""


def _looks_delimited(head: bytes) -> bool:
    """Several lines with the same number (≥ 2) of commas, semicolons or tabs."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    if lines and lines[0].startswith("%PDF"):
        lines = lines[1:]  # a data file with a PDF header glued on is still a data file
    if len(lines) < 3:
        return False
    for sep in (",", ";", "\t", "|"):
        counts = {line.count(sep) for line in lines[:-1]}  # the last line may be cut off
        if len(counts) == 1 and counts.pop() >= 2:
            return True
    return False


def validate_document(upload) -> str:
    """The file's content type, or a ValidationError under "file" explaining the refusal."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name.lower()).suffix
    if upload.size > max_bytes():
        raise ValidationError({"file": [_(
            "Filen fylder %(size)s; højst %(max)s pr. dokument.") % {
            "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes())}]})
    if upload.size == 0:
        raise ValidationError({"file": [_("Filen er tom.")]})
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            raise _refuse_data(kind)
    if suffix in DATA_EXTENSIONS:
        raise _refuse_data(suffix.lstrip(".").upper())
    zip_kind = _zip_kind(upload) if head.startswith(b"PK\x03\x04") else ""
    if zip_kind == "spreadsheet":
        raise _refuse_data(_("regneark"))
    if zip_kind == "data":
        raise _refuse_data(_("datafiler i et ZIP-arkiv"))
    if _looks_delimited(head):
        raise _refuse_data(_("tabeltekst"))
    if suffix not in DOCUMENT_TYPES:
        raise ValidationError({"file": [_(
            "Kun dokumenter i PDF, DOCX eller ODT kan vedhæftes (fik »%(name)s«).") % {
            "name": name}]})
    matches = (head.startswith(b"%PDF-") if suffix == ".pdf"
               else zip_kind == "document")
    if not matches:
        raise ValidationError({"file": [_(
            "Indholdet af »%(name)s« er ikke et %(type)s-dokument.") % {
            "name": name, "type": suffix.lstrip(".").upper()}]})
    return DOCUMENT_TYPES[suffix]
