"""Needs and offers as CSV, XLSX and HXL-tagged CSV (Humanitarian Exchange Language: a row
of hashtags under the header, https://hxlstandard.org/standard/1-1final/dictionary/)."""

from __future__ import annotations

from typing import Any

from django.utils.timezone import localdate

from videnbro.core.tabular import write_table

from . import permissions

NEED_COLUMNS: list[tuple[str, str]] = [
    ("id", "#meta+id"),
    ("incident", "#event+name"),
    ("title", "#item+description"),
    ("item", "#item+name"),
    ("category", "#sector"),
    ("quantity", "#capacity+num"),
    ("unit", "#item+unit"),
    ("per_period", "#meta+period"),
    ("priority", "#severity"),
    ("status", "#status"),
    ("authority", "#org+name"),
    ("authority_id", "#org+id"),
    ("region", "#adm1+name"),
    ("municipality", "#adm2+name"),
    ("municipality_code", "#adm2+code"),
    ("needed_by", "#date+end"),
    ("created", "#date+start"),
    ("expires", "#date+expires"),
    ("requirements", "#meta+requirements"),
]

OFFER_COLUMNS: list[tuple[str, str]] = [
    ("reference", "#meta+id"),
    ("incident", "#event+name"),
    ("offerer", "#org+name"),
    ("organisation_id", "#org+id"),
    ("organisation_sector", "#org+type"),
    ("title", "#item+description"),
    ("item", "#item+name"),
    ("category", "#sector"),
    ("quantity", "#capacity+num"),
    ("unit", "#item+unit"),
    ("per_period", "#meta+period"),
    ("terms", "#meta+terms"),
    ("status", "#status"),
    ("region", "#adm1+name"),
    ("municipality", "#adm2+name"),
    ("available_from", "#date+start"),
    ("available_until", "#date+end"),
    ("received", "#date+reported"),
    ("matched_need", "#meta+need"),
    ("match_score", "#meta+score"),
    ("routed_to", "#org+name+recipient"),
    ("contact_email", "#contact+email"),
]


def _date(value) -> str:
    return value.isoformat() if value else ""


def need_rows(queryset):
    for need in queryset.select_related("incident", "owner", "region", "municipality"):
        yield {
            "id": need.pk,
            "incident": need.incident.title,
            "title": need.title,
            "item": need.get_item_display(),
            "category": need.get_focus_area_display(),
            "quantity": need.quantity,
            "unit": need.unit,
            "per_period": need.get_per_period_display(),
            "priority": need.get_priority_display(),
            "status": need.status,
            "authority": need.owner.name,
            "authority_id": need.owner.key,
            "region": need.region.name if need.region else "",
            "municipality": need.municipality.name if need.municipality else "",
            "municipality_code": need.municipality.code if need.municipality else "",
            "needed_by": _date(need.needed_by),
            "created": _date(localdate(need.created)),
            "expires": _date(localdate(need.expires_at)),
            "requirements": " | ".join(need.requirements),
        }


def offer_rows(queryset, user: Any):
    for offer in queryset.select_related(
        "incident", "organisation", "municipality__region", "matched_need", "routed_to"
    ):
        yield {
            "reference": offer.reference,
            "incident": offer.incident.title if offer.incident else "",
            "offerer": offer.organisation.name if offer.organisation else offer.offerer_name,
            "organisation_id": offer.organisation.key if offer.organisation else "",
            "organisation_sector": offer.organisation.sector if offer.organisation else "",
            "title": offer.title,
            "item": offer.get_item_display() if offer.item else "",
            "category": offer.get_category_display() if offer.category else "",
            "quantity": offer.quantity,
            "unit": offer.unit,
            "per_period": offer.get_per_period_display() if offer.per_period else "",
            "terms": offer.terms,
            "status": offer.status,
            "region": offer.municipality.region.name if offer.municipality else "",
            "municipality": offer.municipality.name if offer.municipality else "",
            "available_from": _date(offer.available_from),
            "available_until": _date(offer.available_until),
            "received": offer.created.isoformat(timespec="seconds"),
            "matched_need": offer.matched_need_id or "",
            "match_score": offer.match_score if offer.match_score is not None else "",
            "routed_to": offer.routed_to.name if offer.routed_to else "",
            "contact_email": offer.contact_email if permissions.can_see_offer_contact(user, offer) else "",
        }


def export_needs(queryset, fmt: str) -> tuple[bytes, str]:
    columns = [c for c, _t in NEED_COLUMNS]
    return write_table(
        need_rows(queryset), columns, fmt, sheet_title="Behov", hxl_tags=[t for _c, t in NEED_COLUMNS]
    )


def export_offers(queryset, fmt: str, user: Any) -> tuple[bytes, str]:
    columns = [c for c, _t in OFFER_COLUMNS]
    return write_table(
        offer_rows(queryset, user),
        columns,
        fmt,
        sheet_title="Tilbud",
        hxl_tags=[t for _c, t in OFFER_COLUMNS],
    )


EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "hxl": "hxl.csv"}


def filename(stem: str, fmt: str) -> str:
    return f"{stem}.{EXTENSIONS[fmt]}"
