"""The three-frame capacity overview (CBS 2020, p. 11): an authority's total capacity for a
need category is 1) its own (the authority and its units), 2) its existing strategic partners
(organisations in active partnerships with it) and 3) untapped resources in society (everyone
else's registered capacities, open offers and volunteers) – summed against what its needs ask.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from matplotlib.figure import Figure

from videnbro.core.text import fold
from videnbro.partnerships.charts import BAR_COLOUR
from videnbro.partnerships.models import Participant, Status
from videnbro.registry.models import Capacity, Organisation

from .models import Need, Offer, Volunteer
from .taxonomy import AUTHORISED_SKILLS, ITEM_BY_SLUG, ITEMS

FRAMES = (
    ("own", _("Egne kapaciteter")),
    ("partners", _("Strategiske partnere")),
    ("society", _("Uudnyttede ressourcer i samfundet")),
)
OPEN_OFFER_STATUSES = (
    Offer.Status.NEW,
    Offer.Status.IN_REVIEW,
    Offer.Status.NEEDS_INFORMATION,
    Offer.Status.ACCEPTED,
)
PERIOD_ALIASES = {"": "total", "month": "month", "year": "year"}


@dataclass
class Entry:
    organisation: str
    text: str
    quantity: Decimal | None
    unit: str
    per_period: str
    kind: str  # capacity | offer | volunteers
    url: str = ""


@dataclass
class Frame:
    slug: str
    label: str
    organisations: set[int] = field(default_factory=set)
    entries: list[Entry] = field(default_factory=list)
    volunteers: int = 0
    totals: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def organisation_count(self) -> int:
        return len(self.organisations)


@dataclass
class Overview:
    authority: Organisation
    item: str
    category: str
    frames: list[Frame]
    needed: dict[tuple[str, str], Decimal]
    units: list[tuple[str, str]]  # the (unit, period) keys shown as columns, most needed first

    def table(self) -> list[dict]:
        rows = []
        for frame in self.frames:
            rows.append({"frame": frame, "cells": [frame.totals.get(key) for key in self.units]})
        return rows


def _unit_key(unit: str, period: str) -> tuple[str, str]:
    return ((unit or "").strip().casefold(), PERIOD_ALIASES.get(period or "", period or "total"))


def own_units(authority: Organisation) -> set[int]:
    """The authority and its units (children, grandchildren …)."""
    ids, frontier = {authority.pk}, {authority.pk}
    while frontier:
        frontier = set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def strategic_partners(own: set[int]) -> set[int]:
    active = Participant.objects.filter(organisation_id__in=own, partnership__status=Status.ACTIVE).values(
        "partnership_id"
    )
    return (
        set(Participant.objects.filter(partnership_id__in=active).values_list("organisation_id", flat=True))
        - own
    )


def _keywords(item: str, category: str) -> tuple[str, ...]:
    if item:
        return ITEM_BY_SLUG[item].keywords
    return tuple(k for i in ITEMS if i.focus_area == category for k in i.keywords)


def capacity_frames(authority: Organisation, *, item: str = "", category: str = "") -> Overview:
    if not item and not category:
        raise ValueError("item or category")
    if item and not category:
        category = ITEM_BY_SLUG[item].focus_area
    own = own_units(authority)
    partners = strategic_partners(own)
    frames = {slug: Frame(slug, str(label)) for slug, label in FRAMES}

    def frame_of(org_id: int | None) -> Frame:
        if org_id in own:
            return frames["own"]
        if org_id in partners:
            return frames["partners"]
        return frames["society"]

    keywords = _keywords(item, category)
    for capacity in Capacity.objects.select_related("organisation"):
        text = fold(f"{capacity.item} {capacity.note}")
        if not keywords or not any(k in text for k in keywords):
            continue
        frame = frame_of(capacity.organisation_id)
        frame.organisations.add(capacity.organisation_id)
        frame.entries.append(
            Entry(
                capacity.organisation.name,
                capacity.item,
                capacity.quantity,
                capacity.unit,
                capacity.per_period,
                "capacity",
            )
        )
        frame.totals[_unit_key(capacity.unit, capacity.per_period)] += capacity.quantity

    offers = Offer.objects.filter(status__in=OPEN_OFFER_STATUSES, duplicate_of__isnull=True)
    offers = offers.filter(item=item) if item else offers.filter(category=category)
    for offer in offers.select_related("organisation"):
        frame = frame_of(offer.organisation_id)
        if offer.organisation_id:
            frame.organisations.add(offer.organisation_id)
        frame.entries.append(
            Entry(
                offer.organisation.name if offer.organisation else offer.offerer_name,
                f"{offer.reference}: {offer.title}",
                offer.quantity,
                offer.unit,
                offer.per_period,
                "offer",
            )
        )
        if offer.quantity is not None:
            frame.totals[_unit_key(offer.unit, offer.per_period)] += offer.quantity

    if item == "staff" or (not item and category == "workforce"):
        volunteers = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
        if authority.region_id:
            volunteers = volunteers.filter(municipality__region_id=authority.region_id)
        count = 0
        for volunteer in volunteers.only("skills", "has_danish_authorisation"):
            skills = [
                s
                for s in volunteer.skills
                if s not in AUTHORISED_SKILLS or volunteer.has_danish_authorisation
            ]
            count += bool(skills)
        frames["society"].volunteers = count
        if count:
            frames["society"].totals[_unit_key(str(_("personer")), "total")] += count

    needs = Need.objects.filter(owner_id__in=own, status=Need.Status.OPEN, expires_at__gt=timezone.now())
    needs = needs.filter(item=item) if item else needs.filter(focus_area=category)
    needed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for need in needs:
        if need.quantity is not None:
            needed[_unit_key(need.unit, need.per_period)] += need.quantity

    keys = set(needed)
    for frame in frames.values():
        keys |= set(frame.totals)
    units = sorted(
        keys, key=lambda k: (-(needed.get(k) or 0), -sum(f.totals.get(k, 0) for f in frames.values()), k)
    )
    return Overview(authority, item, category, list(frames.values()), dict(needed), units)


def frames_chart(overview: Overview, fmt: str = "svg") -> bytes:
    """Bars per frame for the first unit (the most needed), with the need as a line."""
    key = overview.units[0] if overview.units else ("", "total")
    labels = [f.label for f in overview.frames]
    values = [float(f.totals.get(key, 0)) for f in overview.frames]
    figure = Figure(figsize=(8, 2.8), dpi=110)
    axes = figure.subplots()
    bars = axes.barh(labels[::-1], values[::-1], color=BAR_COLOUR)
    for bar, value in zip(bars, values[::-1], strict=True):
        axes.annotate(
            f"{value:,.0f}".replace(",", "."),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    needed = float(overview.needed.get(key, 0))
    if needed:
        axes.axvline(needed, color="#b3261e", linestyle="--", linewidth=1.5)
        axes.annotate(
            str(_("behov")) + f" {needed:,.0f}".replace(",", "."),
            (needed, 2.45),
            color="#b3261e",
            fontsize=9,
            ha="left",
            xytext=(3, 0),
            textcoords="offset points",
        )
    unit = " ".join(part for part in key if part)
    axes.set_title(unit or str(_("ingen mængder registreret")), fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max(values + [needed, 1]) * 1.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
