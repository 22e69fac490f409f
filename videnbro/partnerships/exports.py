"""The partnership table as CSV or XLSX: one row per partnership, participants joined."""

from __future__ import annotations

from django.db.models import QuerySet

from videnbro.core.tabular import CONTENT_TYPES, write_table

from .models import Partnership, iso_date
from .taxonomy import FOCUS_AREA_BY_SLUG, PARTNER_TYPE_BY_SLUG

FORMATS = CONTENT_TYPES
COLUMNS = [
    "cbs_number",
    "title",
    "focus_area",
    "partner_type",
    "participants",
    "status",
    "start",
    "end",
    "description",
    "sources",
    "key",
]


def partnership_rows(queryset: QuerySet[Partnership]):
    for p in queryset:
        focus = FOCUS_AREA_BY_SLUG.get(p.focus_area)
        ptype = PARTNER_TYPE_BY_SLUG.get(p.partner_type)
        participants = "; ".join(
            f"{x.organisation.name}"
            + (f" ({x.note})" if x.note else "")
            + (f" [{x.get_role_display()}]" if x.role != "partner" else "")
            for x in p.participants.all()
        )
        yield {
            "cbs_number": p.cbs_number or "",
            "title": p.title,
            "focus_area": focus.da if focus else "",
            "partner_type": ptype.da if ptype else "",
            "participants": participants,
            "status": p.get_status_display(),
            "start": iso_date(p.start, p.start_precision),
            "end": iso_date(p.end, p.end_precision),
            "description": p.description,
            "sources": "; ".join(str(s) for s in p.sources.all()),
            "key": p.key,
        }


def export_partnerships(queryset: QuerySet[Partnership], fmt: str) -> tuple[bytes, str]:
    return write_table(
        partnership_rows(queryset),
        COLUMNS,
        fmt,
        sheet_title="Partnerskaber",
        widths=[8, 45, 32, 26, 60, 12, 12, 12, 80, 40, 16],
    )
