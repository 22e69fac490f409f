"""Test data for the data entry point: a complete project, the three seeded datasets of three
custodians with some of their variables, and real (minimal) document and data files."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

LPR, BEF, DBCG = "landspatientregisteret", "befolkningsregisteret", "dbcg-database"
SDS, DST = "sundhedsdatastyrelsen", "danmarks-statistik"
RKKP = "regionernes-kliniske-kvalitetsudviklingsprogram"
CUSTODIAN_OF = {LPR: SDS, BEF: DST, DBCG: RKKP}

VARIABLES = {LPR: ["C_ADIAG", "D_INDDTO"], BEF: ["KOEN", "FOED_DAG"], DBCG: ["ER-status", "HER2-status"]}


def dataset_choices(*keys: str) -> list[dict]:
    """`[{"dataset": key, "variables": [...]}]` for the service and the API."""
    return [{"dataset": key, "variables": VARIABLES[key]} for key in keys or (LPR, BEF, DBCG)]


def project_data(**overrides) -> dict:
    """Every field an application needs to be submitted."""
    return {
        "project_title": "Brystkræft og senfølger efter indlæggelse",
        "purpose": "At undersøge senfølger efter brystkræftbehandling.",
        "description": "Kohorteundersøgelse af kvinder behandlet for brystkræft 2010–2020.",
        "legal_basis": "Databeskyttelsesforordningens art. 6, stk. 1, litra e, og art. 9, stk. 2, litra j.",
        "period_from": "2010-01-01",
        "period_to": "2030-12-31",
        "population": "Kvinder diagnosticeret med brystkræft 2010–2020.",
        "environment": "dst_research_service",
        "funding": "Kræftens Bekæmpelse",
        **overrides,
    }


# ---------------------------------------------------------------------------------------------
# Files

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def zip_bytes(members: dict[str, str]) -> bytes:
    """The same bytes on every call: members carry a fixed date, not the clock's (two calls a
    second apart would otherwise differ)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """The smallest ZIP Word recognises as a document: content types and word/document.xml."""
    return zip_bytes(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"/>',
            "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            "<w:t>Protokol</w:t></w:r></w:p></w:body></w:document>",
        }
    )


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": '<?xml version="1.0"?><workbook/>',
            "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet/>',
        }
    )


CSV = b"pnr;koen;diagnose\n0101011234;K;DC50\n0202022345;K;DC50\n0303033456;K;DC509\n"
PARQUET = b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x12\x00\x00" + b"\x00" * 32 + b"PAR1"
SAS7BDAT = (
    b"\x00" * 12 + b"\xc2\xea\x81\x60\xb3\x14\x11\xcf\xbd\x92\x08\x00\x09\xc7\x31\x8c"
    b"\x18\x1f\x10\x11" + b"\x00" * 64
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
