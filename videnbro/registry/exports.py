"""Organisation export as CSV, XLSX or JSON; same columns as the import format."""

from __future__ import annotations

import json

from django.db.models import QuerySet

from videnbro.core.tabular import CONTENT_TYPES, write_table

from .models import Organisation

FORMATS = {**CONTENT_TYPES, "json": "application/json"}
COLUMNS = [
    "key",
    "name",
    "name_en",
    "aliases",
    "kind",
    "sector",
    "cvr",
    "municipality",
    "region",
    "website",
    "parent",
    "is_acute_hospital",
    "size_band",
    "competences",
    "description",
    "source",
    "source_page",
    "source_url",
]


def organisation_rows(queryset: QuerySet[Organisation]):
    queryset = queryset.select_related("municipality", "region", "parent", "source").prefetch_related(
        "aliases", "competences"
    )
    for org in queryset.iterator(chunk_size=500):
        yield {
            "key": org.key,
            "name": org.name,
            "name_en": org.name_en,
            "aliases": " | ".join(a.name for a in org.aliases.all()),
            "kind": org.kind,
            "sector": org.sector,
            "cvr": org.cvr or "",
            "municipality": org.municipality.code if org.municipality else "",
            "region": org.region.slug if org.region else "",
            "website": org.website,
            "parent": org.parent.key if org.parent else "",
            "is_acute_hospital": "yes" if org.is_acute_hospital else "",
            "size_band": org.size_band,
            "competences": " | ".join(c.name for c in org.competences.all()),
            "description": org.description,
            "source": org.source.code if org.source else "",
            "source_page": org.source_page,
            "source_url": org.source_url,
        }


def export_organisations(queryset: QuerySet[Organisation], fmt: str) -> tuple[bytes, str]:
    if fmt == "json":
        rows = list(organisation_rows(queryset))
        return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8"), FORMATS[fmt]
    return write_table(
        organisation_rows(queryset),
        COLUMNS,
        fmt,
        sheet_title="Organisationer",
        widths=[28, 40, 30, 30, 18, 14, 10, 12, 12, 30],
    )
