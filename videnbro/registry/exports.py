"""Organisation export as CSV, XLSX or JSON; same columns as the import format."""

from __future__ import annotations

import csv
import io
import json

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .models import Organisation

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
COLUMNS = [
    "key", "name", "name_en", "aliases", "kind", "sector", "cvr", "municipality", "region",
    "website", "parent", "is_acute_hospital", "size_band", "competences", "description",
    "source", "source_page", "source_url",
]


def organisation_rows(queryset: QuerySet[Organisation]):
    queryset = queryset.select_related("municipality", "region", "parent", "source") \
        .prefetch_related("aliases", "competences")
    for org in queryset.iterator(chunk_size=500):
        yield {
            "key": org.key,
            "name": org.name,
            "name_en": org.name_en,
            "aliases": " | ".join(a.name for a in org.aliases.all()),
            "kind": org.kind,
            "sector": org.sector,
            "cvr": org.cvr or "",
            "municipality": org.municipality.code if org.municipality_id else "",
            "region": org.region.slug if org.region_id else "",
            "website": org.website,
            "parent": org.parent.key if org.parent_id else "",
            "is_acute_hospital": "yes" if org.is_acute_hospital else "",
            "size_band": org.size_band,
            "competences": " | ".join(c.name for c in org.competences.all()),
            "description": org.description,
            "source": org.source.code if org.source_id else "",
            "source_page": org.source_page,
            "source_url": org.source_url,
        }


def export_organisations(queryset: QuerySet[Organisation], fmt: str) -> tuple[bytes, str]:
    rows = organisation_rows(queryset)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        # BOM so that Excel opens the UTF-8 file with æ/ø/å intact.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), FORMATS[fmt]
    if fmt == "xlsx":
        workbook = Workbook(write_only=False)
        sheet = workbook.active
        sheet.title = "Organisationer"
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([row[c] for c in COLUMNS])
        sheet.freeze_panes = "A2"
        for index, width in enumerate([28, 40, 30, 30, 18, 14, 10, 12, 12, 30], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), FORMATS[fmt]
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=1).encode("utf-8"), FORMATS[fmt]
    raise ValueError(f"Unknown export format {fmt!r}")
