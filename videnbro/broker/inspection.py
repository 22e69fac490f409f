"""What may be uploaded with an access request: documents (protocol, approvals), never data.

A file is accepted when its name has a document extension *and* its content is that kind of
document (PDF signature; for .docx/.odt the ZIP holds a word-processing document, not a
spreadsheet). Anything that looks like a data extract – by extension (CSV, XLSX, SAS,
Stata, SPSS, parquet …) or by content (a spreadsheet inside a ZIP, a parquet or SAS header,
delimited text) – is refused with an explanation.

The whole upload is inspected (it is at most BROKER_MAX_DOCUMENT_BYTES, read in chunks): data
formats' signatures and runs of delimited lines anywhere in it, not only in the first bytes.
The members of a DOCX/ODT are judged by what they contain, not by their names (which can be
"data.csv." or "data.bin"): an OLE2 file (old Excel), a nested ZIP (XLSX, ODS), parquet,
SQLite or delimited text is data; pictures, fonts and the XML parts are not.
"""

from __future__ import annotations

import zipfile
import zlib
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
    ".csv",
    ".tsv",
    ".txt",
    ".dat",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".sas7bdat",
    ".sas7bcat",
    ".xpt",
    ".sav",
    ".zsav",
    ".por",
    ".dta",
    ".parquet",
    ".feather",
    ".arrow",
    ".rds",
    ".rdata",
    ".rda",
    ".json",
    ".jsonl",
    ".ndjson",
    ".xml",
    ".sqlite",
    ".db",
    ".mdb",
    ".accdb",
    ".h5",
    ".hdf5",
    ".pkl",
    ".pickle",
    ".npy",
    ".zip",
    ".gz",
    ".7z",
    ".tar",
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
# Long enough never to occur by chance in compressed streams: looked for anywhere in a file.
ANYWHERE = {
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "Excel 97-2003/OLE",
    b"SQLite format 3\x00": "SQLite",
    b"\x00" * 12 + b"\xc2\xea\x81\x60\xb3\x14\x11\xcf\xbd\x92\x08\x00\x09\xc7\x31\x8c": "SAS",
    b"ARROW1\x00\x00": "Arrow/feather",
}
# What a ZIP member may not start with: data formats and archives (an XLSX, ODS or ZIP in a
# document is a spreadsheet or data, whatever the member is called).
MEMBER_SIGNATURES = {
    **SIGNATURES,
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"<stata_dta>": "Stata",
    b"RDX2\n": "R",
    b"RDX3\n": "R",
    b"\x93NUMPY": "numpy",
    b"\x89HDF\r\n\x1a\n": "HDF5",
}
CHUNK = 64 * 1024
MAX_LINE = 256 * 1024  # a longer "line" is not a table row (and is not kept in memory)
MEMBER_HEAD = 16 * 1024


def max_bytes() -> int:
    return settings.BROKER_MAX_DOCUMENT_BYTES


def _refuse_data(kind: str) -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "Filen ligner et dataudtræk (%(kind)s). Videnbro modtager aldrig data – kun "
                    "dokumenter som protokol og godkendelser (PDF, DOCX eller ODT). Data udleveres af "
                    "den dataansvarlige i et godkendt sikkert analysemiljø."
                )
                % {"kind": kind}
            ]
        }
    )


MAX_ZIP_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a document's parts together; more is a zip bomb


def _member_name(name: str) -> str:
    """A member's name as a file system would store it: Windows drops trailing dots and
    blanks ("data.csv." and "data.csv " are data.csv)."""
    return "/".join(part.rstrip(" .\t\x00") for part in name.lower().split("/"))


def _member_kind(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str:
    """'data', 'spreadsheet' or '' for one member, from its name and its first bytes (only
    those are inflated)."""
    if member.is_dir():
        return ""
    if PurePath(_member_name(member.filename)).suffix in DATA_EXTENSIONS - {".xml"}:
        return "data"
    with archive.open(member) as entry:
        head = entry.read(MEMBER_HEAD)
    if any(head.startswith(signature) for signature in MEMBER_SIGNATURES):
        return "data"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):  # an XML part – unless it is an Excel 2003 XML workbook
        spreadsheet = b"urn:schemas-microsoft-com:office:spreadsheet" in head or b"Excel.Sheet" in head
        return "spreadsheet" if spreadsheet else ""
    return "data" if _looks_delimited(head) else ""


def _zip_kind(upload) -> str:
    """'document', 'spreadsheet', 'data' or '' for the content of a ZIP container – from the
    central directory and the first bytes of each member, never inflating a whole member."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload.file if hasattr(upload, "file") else upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
                return "data"
            names = {m.filename for m in members}
            mimetype = ""
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
            kinds = {_member_kind(archive, m) for m in members if m.filename != "mimetype"}
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        RuntimeError,
        ValueError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ):
        return ""
    finally:
        upload.seek(0)
    if "xl/workbook.xml" in names or mimetype.endswith("spreadsheet") or "spreadsheet" in kinds:
        return "spreadsheet"
    if "data" in kinds:
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


class _DelimitedRuns:
    """Follows the lines of a file: three or more consecutive non-blank lines with the same
    number (≥ 2) of commas, semicolons, tabs or bars are a table. Lines that are not UTF-8
    text (compressed streams) break a run."""

    SEPARATORS = (b",", b";", b"\t", b"|")

    def __init__(self):
        self.runs = {sep: (0, 0) for sep in self.SEPARATORS}  # separator → (count, run length)
        self.found = False

    def line(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            self.runs = dict.fromkeys(self.SEPARATORS, (0, 0))
            return
        for sep, (count, length) in self.runs.items():
            n = line.count(sep)
            length = length + 1 if n >= 2 and n == count else (1 if n >= 2 else 0)
            self.runs[sep] = (n, length)
            if length >= 3:
                self.found = True


def _scan(upload) -> str:
    """What data the whole file holds – a data format's signature anywhere, parquet's
    trailer, or a table of delimited lines – as the kind to name in the refusal, or ''.
    Reads CHUNK bytes at a time; keeps at most one unfinished line."""
    overlap = max(len(signature) for signature in ANYWHERE) - 1
    runs, tail, carry = _DelimitedRuns(), b"", b""
    upload.seek(0)
    try:
        while chunk := upload.read(CHUNK):
            window = tail + chunk
            for signature, kind in ANYWHERE.items():
                if signature in window:
                    return kind
            tail = window[-overlap:]
            lines = (carry + chunk).split(b"\n")
            carry = lines.pop()
            for line in lines:
                runs.line(line)
            if len(carry) > MAX_LINE:
                runs.line(b"\xff")  # not a table row: break the run, forget the line
                carry = b""
            if runs.found:
                return _("tabeltekst")
        runs.line(carry)
    finally:
        upload.seek(0)
    if tail.endswith(b"PAR1"):
        return "parquet"
    return _("tabeltekst") if runs.found else ""


def validate_document(upload) -> str:
    """The file's content type, or a ValidationError under "file" explaining the refusal."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name.lower()).suffix
    if upload.size > max_bytes():
        raise ValidationError(
            {
                "file": [
                    _("Filen fylder %(size)s; højst %(max)s pr. dokument.")
                    % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes())}
                ]
            }
        )
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
    found = _scan(upload)  # the whole file, not only its head
    if found:
        raise _refuse_data(found)
    if suffix not in DOCUMENT_TYPES:
        raise ValidationError(
            {
                "file": [
                    _("Kun dokumenter i PDF, DOCX eller ODT kan vedhæftes (fik »%(name)s«).") % {"name": name}
                ]
            }
        )
    matches = head.startswith(b"%PDF-") if suffix == ".pdf" else zip_kind == "document"
    if not matches:
        raise ValidationError(
            {
                "file": [
                    _("Indholdet af »%(name)s« er ikke et %(type)s-dokument.")
                    % {"name": name, "type": suffix.lstrip(".").upper()}
                ]
            }
        )
    return DOCUMENT_TYPES[suffix]
