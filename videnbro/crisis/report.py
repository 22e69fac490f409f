"""The evaluation report of an incident: what arrived, how fast it was triaged, what was
accepted and fulfilled, who contributed – as a page, a PDF (WeasyPrint) and an XLSX workbook."""

from __future__ import annotations

import base64
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from videnbro.core.tabular import Sheet, write_workbook
from videnbro.partnerships.charts import BAR_COLOUR
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG, PARTNER_TYPE_BY_SLUG

from .models import Incident, Need, Offer, Volunteer

TRIAGED = {
    Offer.Status.ACCEPTED,
    Offer.Status.DECLINED,
    Offer.Status.FULFILLED,
    Offer.Status.NEEDS_INFORMATION,
    Offer.Status.IN_REVIEW,
}
DECIDED = {Offer.Status.ACCEPTED, Offer.Status.DECLINED, Offer.Status.FULFILLED}


@dataclass
class Evaluation:
    incident: Incident
    offers_total: int = 0
    offers_per_day: list[tuple[date, int]] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)
    median_hours_to_first_triage: float | None = None
    p90_hours_to_first_triage: float | None = None
    untriaged: int = 0
    acceptance_rate: float | None = None  # accepted or fulfilled / decided
    fulfilment_rate: float | None = None  # fulfilled / accepted or fulfilled
    duplicates: int = 0
    by_focus_area: list[tuple[str, int, int]] = field(default_factory=list)  # label, n, accepted
    top_organisations: list[tuple[str, int, int]] = field(default_factory=list)
    needs_total: int = 0
    needs_fulfilled: int = 0
    volunteers: int = 0
    partnerships_by_focus_area: list[tuple[str, int]] = field(default_factory=list)
    partnerships_by_partner_type: list[tuple[str, int]] = field(default_factory=list)
    partnerships_total: int = 0


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def evaluate(incident: Incident) -> Evaluation:
    ev = Evaluation(incident)
    offers = list(Offer.objects.filter(incident=incident).select_related("organisation"))
    ev.offers_total = len(offers)
    ev.by_status = dict(Counter(o.status for o in offers))
    if offers:
        # Danish days: an offer at 00:30 belongs to that day, not to the UTC day before.
        days = Counter(timezone.localdate(o.created) for o in offers)
        first, last = min(days), max(days)
        ev.offers_per_day = [
            (first + timedelta(days=i), days.get(first + timedelta(days=i), 0))
            for i in range((last - first).days + 1)
        ]
    hours = sorted(
        (o.first_triaged_at - o.created).total_seconds() / 3600 for o in offers if o.first_triaged_at
    )
    if hours:
        ev.median_hours_to_first_triage = round(statistics.median(hours), 1)
        ev.p90_hours_to_first_triage = round(hours[min(len(hours) - 1, int(0.9 * len(hours)))], 1)
    ev.untriaged = sum(1 for o in offers if o.first_triaged_at is None and o.status != Offer.Status.WITHDRAWN)
    accepted = [o for o in offers if o.status in (Offer.Status.ACCEPTED, Offer.Status.FULFILLED)]
    decided = [o for o in offers if o.status in DECIDED]
    ev.acceptance_rate = _rate(len(accepted), len(decided))
    ev.fulfilment_rate = _rate(sum(1 for o in accepted if o.status == Offer.Status.FULFILLED), len(accepted))
    ev.duplicates = sum(1 for o in offers if o.duplicate_of_id)
    per_area: Counter[str] = Counter()
    per_area_accepted: Counter[str] = Counter()
    for offer in offers:
        per_area[offer.category or ""] += 1
        per_area_accepted[offer.category or ""] += offer in accepted
    ev.by_focus_area = sorted(
        (
            (
                FOCUS_AREA_BY_SLUG[slug].da if slug in FOCUS_AREA_BY_SLUG else _("Ikke klassificeret"),
                n,
                per_area_accepted[slug],
            )
            for slug, n in per_area.items()
        ),
        key=lambda r: -r[1],
    )
    contributors: Counter[str] = Counter()
    contributions: Counter[str] = Counter()

    def public_name(offer) -> str:
        # The evaluation is public: only verified organisations are named (issue 12, finding 6);
        # unverified ones and unconfirmed claims are counted together.
        if offer.organisation is not None and offer.organisation.is_verified:
            return offer.organisation.name
        if offer.offerer_type == offer.OffererType.PERSON:
            return _("Privatpersoner")
        return _("Ikke verificerede tilbudsgivere")

    for offer in accepted:
        contributors[public_name(offer)] += 1
    for offer in offers:
        contributions[public_name(offer)] += 1
    ev.top_organisations = sorted(
        ((name, contributions[name], contributors[name]) for name in contributions),
        key=lambda r: (-r[2], -r[1], r[0]),
    )[:10]
    needs = Need.objects.filter(incident=incident)
    ev.needs_total = needs.count()
    ev.needs_fulfilled = needs.filter(status=Need.Status.FULFILLED).count()
    ev.volunteers = Volunteer.objects.filter(contacts__need__incident=incident).distinct().count()
    partnerships = incident.partnerships.all()
    ev.partnerships_total = partnerships.count()
    ev.partnerships_by_focus_area = [
        (FOCUS_AREA_BY_SLUG[row["focus_area"]].da, row["n"])
        for row in partnerships.values("focus_area").annotate(n=Count("pk")).order_by("-n")
        if row["focus_area"] in FOCUS_AREA_BY_SLUG
    ]
    ev.partnerships_by_partner_type = [
        (PARTNER_TYPE_BY_SLUG[row["partner_type"]].da, row["n"])
        for row in partnerships.values("partner_type").annotate(n=Count("pk")).order_by("-n")
        if row["partner_type"] in PARTNER_TYPE_BY_SLUG
    ]
    return ev


def daily_chart(ev: Evaluation, fmt: str = "svg") -> bytes | None:
    if not ev.offers_per_day:
        return None
    figure = Figure(figsize=(8, 2.6), dpi=110)
    axes = figure.subplots()
    # matplotlib plots dates through its unit converters; its stubs accept numbers only.
    days: list[Any] = [d for d, _n in ev.offers_per_day]
    axes.bar(days, [n for _d, n in ev.offers_per_day], color=BAR_COLOUR)
    axes.set_title(_("Tilbud modtaget pr. dag"), fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    # The default y locator is an AutoLocator, a MaxNLocator (the base Locator takes no params).
    cast(MaxNLocator, axes.yaxis.get_major_locator()).set_params(integer=True)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def context(ev: Evaluation) -> dict:
    chart = daily_chart(ev)
    # An <img> with a data: URI, not inline <svg>: matplotlib's SVG carries <style> and style=""
    # attributes, which the page's Content-Security-Policy refuses; an SVG image is its own
    # document, outside the page's policy (docs/decisions/0011-content-security-policy.md).
    return {
        "ev": ev,
        "incident": ev.incident,
        "daily_chart": (
            "data:image/svg+xml;base64," + base64.b64encode(chart).decode("ascii") if chart else ""
        ),
    }


def render_pdf(ev: Evaluation) -> bytes:
    # WeasyPrint is heavy and needs Pango: loaded only when a PDF is made.
    from weasyprint import HTML

    html = render_to_string("crisis/evaluation_pdf.html", context(ev))
    return HTML(string=html).write_pdf()


def render_xlsx(ev: Evaluation) -> bytes:
    # Through the shared safe writer: organisation names come from the public offer form.
    figures = [
        (_("Hændelse"), ev.incident.title),
        (_("Status"), ev.incident.get_status_display()),
        (_("Tilbud modtaget"), ev.offers_total),
        (_("Median timer til første vurdering"), ev.median_hours_to_first_triage),
        (_("Timer til første vurdering (90. percentil)"), ev.p90_hours_to_first_triage),
        (_("Ikke vurderet"), ev.untriaged),
        (_("Acceptrate"), ev.acceptance_rate),
        (_("Leveringsrate"), ev.fulfilment_rate),
        (_("Dubletter"), ev.duplicates),
        (_("Behov"), ev.needs_total),
        (_("Behov dækket"), ev.needs_fulfilled),
        (_("Frivillige kontaktet"), ev.volunteers),
        (_("Partnerskaber i hændelsen"), ev.partnerships_total),
    ]
    return write_workbook(
        [
            Sheet(_("Nøgletal"), figures),
            Sheet(
                _("Pr. dag"),
                [(d.isoformat(), n) for d, n in ev.offers_per_day],
                header=(_("Dato"), _("Tilbud")),
            ),
            Sheet(
                _("Pr. fokusområde"),
                ev.by_focus_area,
                header=(_("Fokusområde"), _("Tilbud"), _("Accepteret")),
            ),
            Sheet(
                _("Organisationer"),
                ev.top_organisations,
                header=(_("Organisation"), _("Tilbud"), _("Accepteret")),
            ),
            Sheet(
                _("Partnerskaber"),
                ev.partnerships_by_focus_area,
                header=(_("Fokusområde"), _("Partnerskaber")),
            ),
        ]
    )
