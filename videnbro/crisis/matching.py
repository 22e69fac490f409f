"""Matching at the crisis front door: an offer to the open need it serves best, and volunteers
to a need by skill and distance. The reverse direction (who in the registry could meet a need)
is the general matcher, `videnbro.matching.matcher`.

Offer → need score (documented in docs/crisis.md):
  category (focus area) 0.35 · item 0.30 · shared words of title/description 0.25 ·
  same region 0.10. A need is suggested from 0.45; priority breaks ties.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from videnbro.core.analysis import terms

from .models import Need, Offer, Volunteer
from .selectors import open_needs
from .taxonomy import AUTHORISED_SKILLS, PRIORITY_RANK

WEIGHTS = {"category": 0.35, "item": 0.30, "text": 0.25, "region": 0.10}
THRESHOLD = 0.45
EARTH_RADIUS_KM = 6371.0


def _terms(text: str) -> set[str]:
    return {t for t in terms(text) if len(t) > 2}


def score_need(offer: Offer, need: Need, offer_terms: set[str] | None = None) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if offer.category and offer.category == need.focus_area:
        score += WEIGHTS["category"]
        reasons.append(_("samme kategori: %(c)s") % {"c": need.get_focus_area_display()})
    if offer.item and offer.item == need.item and offer.item != "other":
        score += WEIGHTS["item"]
        reasons.append(_("samme vare: %(i)s") % {"i": need.get_item_display()})
    offer_terms = offer_terms if offer_terms is not None else _terms(f"{offer.title} {offer.description}")
    need_terms = _terms(f"{need.title} {need.description}")
    if offer_terms and need_terms:
        overlap = len(offer_terms & need_terms) / min(len(offer_terms), len(need_terms))
        if overlap:
            score += WEIGHTS["text"] * min(1.0, overlap * 2)
            reasons.append(_("fælles ord: %(w)s") % {"w": ", ".join(sorted(offer_terms & need_terms)[:5])})
    if (
        offer.municipality_id
        and need.region_id
        and offer.municipality is not None
        and offer.municipality.region_id == need.region_id
    ):
        score += WEIGHTS["region"]
        reasons.append(_("i samme region"))
    return round(score, 4), reasons


def best_need_for_offer(offer: Offer) -> tuple[Need | None, float | None, list[str]]:
    offer_terms = _terms(f"{offer.title} {offer.description}")
    ranked = []
    for need in open_needs().select_related("owner", "region"):
        score, reasons = score_need(offer, need, offer_terms)
        if score >= THRESHOLD:
            ranked.append((score, -PRIORITY_RANK.get(need.priority, 9), need.pk, need, reasons))
    if not ranked:
        return None, None, []
    ranked.sort(key=lambda r: (r[0], r[1], -r[2]), reverse=True)
    score, _prio, _pk, need, reasons = ranked[0]
    return need, score, reasons


def distance_km(a, b) -> float | None:
    """Great-circle distance between two municipalities' points (haversine)."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians, (float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))
    )
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass
class VolunteerMatch:
    volunteer: Volunteer
    distance_km: float | None
    skills: list[str]


def volunteers_for_need(need: Need, *, limit: int = 100) -> list[VolunteerMatch]:
    """Active volunteers with a wanted skill whose travel radius reaches the need's
    municipality (same municipality counts as 0 km); authorised skills count only for those
    who state a Danish authorisation. Nearest first."""
    wanted = set(need.skills)
    place = need.municipality
    matches = []
    for volunteer in Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).select_related("municipality"):
        skills = [s for s in volunteer.skills if not wanted or s in wanted]
        skills = [s for s in skills if s not in AUTHORISED_SKILLS or volunteer.has_danish_authorisation]
        if not skills:
            continue
        if place is None:
            if need.region_id and volunteer.municipality.region_id != need.region_id:
                continue
            matches.append(VolunteerMatch(volunteer, None, skills))
            continue
        km = 0.0 if volunteer.municipality_id == place.pk else distance_km(volunteer.municipality, place)
        if km is None or km > volunteer.travel_radius_km:
            continue
        matches.append(VolunteerMatch(volunteer, round(km, 1), skills))
    matches.sort(key=lambda m: (m.distance_km is None, m.distance_km or 0, m.volunteer.pk))
    return matches[:limit]
