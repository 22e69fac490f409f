"""Writing and reading simple tables (CSV/XLSX) for exports and seed files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Text from the public (offers, names) must not become a spreadsheet formula, and
    control characters (which XLSX cannot hold) are dropped."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def write_table(rows: Iterable[dict], columns: list[str], fmt: str, *, sheet_title: str,
                widths: list[int] | None = None, hxl_tags: list[str] | None = None
                ) -> tuple[bytes, str]:
    """CSV (UTF-8 with BOM so Excel keeps æ/ø/å), HXL (CSV with a row of HXL hashtags under
    the header, no BOM) or XLSX with a frozen, filterable header."""
    if fmt in ("csv", "hxl"):
        if fmt == "hxl" and (hxl_tags is None or len(hxl_tags) != len(columns)):
            raise ValueError("HXL needs one hashtag per column")
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        if fmt == "hxl":
            writer.writerow(dict(zip(columns, hxl_tags, strict=True)))
        writer.writerows({c: _safe(row[c]) for c in columns} for row in rows)
        prefix = "\ufeff" if fmt == "csv" else ""
        return (prefix + buffer.getvalue()).encode("utf-8"), CONTENT_TYPES[fmt]
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title
        sheet.append(columns)
        for row in rows:
            sheet.append([_safe(row[c]) for c in columns])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths or [], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), CONTENT_TYPES[fmt]
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
