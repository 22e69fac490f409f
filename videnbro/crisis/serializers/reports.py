"""The shapes of computed figures: an incident's evaluation and the three-frame capacity
overview (dataclasses, not models)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from videnbro.core.api_fields import labels_of
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG

from ..frames import FRAMES, Overview
from ..models import Offer
from ..report import Evaluation
from ..taxonomy import ITEM_CHOICES, OfferPeriod
from .labels import focus_area_labels

ENTRY_KINDS = [("capacity", _("Kapacitet")), ("offer", _("Tilbud")), ("volunteers", _("Frivillige"))]
_FOCUS_AREA_BY_DANISH = {term.da: slug for slug, term in FOCUS_AREA_BY_SLUG.items()}
UNCLASSIFIED = _("Ikke klassificeret")


def _focus_area_by_label(label: str) -> dict[str, Any]:
    """The report counts by Danish label; the API sends the code and both labels."""
    slug = _FOCUS_AREA_BY_DANISH.get(label, "")
    return {
        "focus_area": slug,
        "focus_area_label": focus_area_labels(slug) if slug else labels_of(UNCLASSIFIED),
    }


def evaluation_data(ev: Evaluation) -> dict[str, Any]:
    status_labels = {code: labels_of(label) for code, label in Offer.Status.choices}
    return {
        "offers_total": ev.offers_total,
        "by_status": ev.by_status,
        "by_status_label": {code: status_labels.get(code) for code in ev.by_status},
        "offers_per_day": [{"date": d.isoformat(), "offers": n} for d, n in ev.offers_per_day],
        "median_hours_to_first_triage": ev.median_hours_to_first_triage,
        "p90_hours_to_first_triage": ev.p90_hours_to_first_triage,
        "untriaged": ev.untriaged,
        "acceptance_rate": ev.acceptance_rate,
        "fulfilment_rate": ev.fulfilment_rate,
        "duplicates": ev.duplicates,
        "by_focus_area": [
            {**_focus_area_by_label(a), "offers": n, "accepted": k} for a, n, k in ev.by_focus_area
        ],
        "top_organisations": [
            {"organisation": o, "offers": n, "accepted": k} for o, n, k in ev.top_organisations
        ],
        "needs_total": ev.needs_total,
        "needs_fulfilled": ev.needs_fulfilled,
        "partnerships_total": ev.partnerships_total,
        "partnerships_by_focus_area": [
            {**_focus_area_by_label(a), "partnerships": n} for a, n in ev.partnerships_by_focus_area
        ],
    }


def _quantities(totals: dict[tuple[str, str], Any]) -> list[dict[str, Any]]:
    period_labels = {code: labels_of(label) for code, label in OfferPeriod.choices}
    return [
        {"unit": u, "per_period": p, "per_period_label": period_labels.get(p), "quantity": str(q)}
        for (u, p), q in totals.items()
    ]


def frames_data(overview: Overview) -> dict[str, Any]:
    authority = overview.authority
    frame_labels = {slug: labels_of(label) for slug, label in FRAMES}
    kind_labels = {code: labels_of(label) for code, label in ENTRY_KINDS}
    period_labels = {code: labels_of(label) for code, label in OfferPeriod.choices}
    item_labels = dict(ITEM_CHOICES)
    return {
        "authority": {"id": authority.pk, "key": authority.key, "name": authority.name},
        "item": overview.item,
        "item_label": labels_of(item_labels[overview.item]) if overview.item in item_labels else None,
        "category": overview.category,
        "category_label": focus_area_labels(overview.category) if overview.category else None,
        "needed": _quantities(overview.needed),
        "frames": [
            {
                "frame": f.slug,
                "frame_label": frame_labels.get(f.slug),
                "organisations": f.organisation_count,
                "volunteers": f.volunteers,
                "totals": _quantities(f.totals),
                "entries": [
                    {
                        "organisation": e.organisation,
                        "text": e.text,
                        "kind": e.kind,
                        "kind_label": kind_labels.get(e.kind),
                        "quantity": str(e.quantity) if e.quantity is not None else None,
                        "unit": e.unit,
                        "per_period": e.per_period,
                        "per_period_label": period_labels.get(e.per_period),
                    }
                    for e in f.entries
                ],
            }
            for f in overview.frames
        ],
    }
