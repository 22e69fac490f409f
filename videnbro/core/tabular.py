"""Writing and reading simple tables (CSV/XLSX) for exports and seed files.

Every spreadsheet or CSV the project produces is written here (`write_table` for one table,
`write_workbook` for several sheets), so that text from the public – an offerer's name, a
project title – can never become a formula in the recipient's spreadsheet program."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# OWASP "CSV injection": a cell starting with one of these is read as a formula (or a DDE
# command) by Excel, LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# The full-width forms East Asian input turns into the ASCII signs, and the minus sign.
_WIDE_SIGNS = "\uff1d\uff0b\uff0d\uff20\u2212\ufe62\ufe63\ufe66"
_SIGNS = frozenset("=+-@" + _WIDE_SIGNS)
# Blank or invisible characters a spreadsheet may skip before it sees the '='.
_BLANK = (
    " \t\r\n\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)
# A plain number written as text ("-12", "+3,5", "-1.5e3") is a number, not a formula.
_NUMBER = re.compile(r"[+\-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+\-]?\d+)?")


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet program could read this text as a formula."""
    if not value:
        return False
    if value[0] in "\t\r\n":
        return True
    start = value.lstrip(_BLANK)
    if not start or start[0] not in _SIGNS:
        return False
    return not _NUMBER.fullmatch(start)


def safe_cell(value: Any) -> Any:
    """A cell value that cannot be a formula: text that looks like one gets a leading
    apostrophe (OWASP), control characters that XLSX cannot hold are dropped; numbers, dates
    and booleans pass unchanged (a negative number stays a number)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if is_formula_like(value):
            return "'" + value
    return value


@dataclass
class Sheet:
    """One sheet of a workbook: rows of values, an optional header row (frozen, filterable)
    and column widths."""

    title: str
    rows: Iterable[Sequence[Any]]
    header: Sequence[str] | None = None
    widths: Sequence[int] = ()


def _append(sheet: Worksheet, values: Sequence[Any]) -> None:
    sheet.append([safe_cell(v) for v in values])
    for cell in sheet[sheet.max_row]:
        # Belt and braces: whatever the value, a text cell is stored as text, never as the
        # formula openpyxl would make of a string starting with '='.
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_workbook(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook of these sheets, every cell through `safe_cell`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(str(spec.title)[:31])
        if spec.header is not None:
            _append(sheet, [str(h) for h in spec.header])
        for row in spec.rows:
            _append(sheet, list(row))
        if spec.header is not None:
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = sheet.dimensions
        for index, width in enumerate(spec.widths or (), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(
    rows: Iterable[dict[str, Any]],
    columns: list[str],
    fmt: str,
    *,
    sheet_title: str,
    widths: list[int] | None = None,
    hxl_tags: list[str] | None = None,
) -> tuple[bytes, str]:
    """CSV (UTF-8 with BOM so Excel keeps æ/ø/å), HXL (CSV with a row of HXL hashtags under
    the header, no BOM) or XLSX with a frozen, filterable header."""
    if fmt in ("csv", "hxl"):
        if fmt == "hxl" and (hxl_tags is None or len(hxl_tags) != len(columns)):
            raise ValueError("HXL needs one hashtag per column")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([safe_cell(str(c)) for c in columns])
        if fmt == "hxl" and hxl_tags is not None:  # checked above
            writer.writerow([safe_cell(t) for t in hxl_tags])
        writer.writerows([safe_cell(row[c]) for c in columns] for row in rows)
        prefix = "\ufeff" if fmt == "csv" else ""
        return (prefix + buffer.getvalue()).encode("utf-8"), CONTENT_TYPES[fmt]
    if fmt == "xlsx":
        sheet = Sheet(
            sheet_title, ([row[c] for c in columns] for row in rows), header=columns, widths=widths or ()
        )
        return write_workbook([sheet]), CONTENT_TYPES[fmt]
    raise ValueError(f"Unknown table format {fmt!r}")


def split_cell(value: str) -> list[str]:
    """A multi-valued seed cell ("a | b | c") as its non-empty, stripped parts."""
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def read_seed_csv(path: Path) -> list[dict[str, str]]:
    """A seed file's rows with every value stripped; a missing file has no rows."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]
