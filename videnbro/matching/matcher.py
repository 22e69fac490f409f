"""Explainable matchmaking: who can meet a need, with the evidence for every suggestion.

Signals and weights (transparent, documented in docs/matching.md):
- text: the unified search over organisations, their capacities and their partnerships (0.40)
- capacity: a registered capacity that matches the text, e.g. "3.000 visirer pr. dag" (0.20)
- focus area: earlier partnerships in the need's focus area (given or classified) (0.20)
- location: in the requested region (0.12), or a neighbouring one (0.06); organisations in
  other regions are filtered out, those with no registered location kept without points
- earlier partnerships with the asking organisation (0.08)
Hard filters (kind, sector, region) remove candidates; at most two suggestions share a parent
organisation, so ten subsidiaries of one group cannot fill the list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from videnbro.partnerships.models import Participant
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG
from videnbro.registry.models import Capacity, Kind, Organisation, Region, Sector
from videnbro.registry.selectors import public_organisations
from videnbro.search.models import DocType, SearchDocument
from videnbro.search.services import search

from .classifier import classify, validate_text

WEIGHTS = {"text": 0.40, "capacity": 0.20, "focus_area": 0.20, "region": 0.12, "near": 0.06, "history": 0.08}
NEIGHBOURS = {
    "hovedstaden": {"sjaelland"},
    "sjaelland": {"hovedstaden", "syddanmark"},
    "syddanmark": {"sjaelland", "midtjylland"},
    "midtjylland": {"syddanmark", "nordjylland"},
    "nordjylland": {"midtjylland"},
}
MAX_PER_PARENT = 2
MAX_LIMIT = 50


@dataclass
class Suggestion:
    organisation: Organisation
    score: float
    reasons: list[str] = field(default_factory=list)
    # The codes (keys of WEIGHTS) of the signals behind the score, in the order of WEIGHTS.
    signals: list[str] = field(default_factory=list)


@dataclass
class MatchRequest:
    text: str
    focus_area: str | None = None
    region: str | None = None
    kinds: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    limit: int = 10
    asker: Organisation | None = None
    exclude: set[int] = field(default_factory=set)

    def validate(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            self.text = validate_text(self.text)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.focus_area and self.focus_area not in FOCUS_AREA_BY_SLUG:
            errors["focus_area"] = [
                _("Ukendt fokusområde. Tilladte: %(a)s.") % {"a": ", ".join(FOCUS_AREA_BY_SLUG)}
            ]
        if self.region and not Region.objects.filter(slug=self.region).exists():
            errors["region"] = [_("Ukendt region.")]
        bad_kinds = [k for k in self.kinds if k not in Kind.values]
        if bad_kinds:
            errors["kinds"] = [_("Ukendte typer: %(k)s.") % {"k": ", ".join(bad_kinds)}]
        bad_sectors = [s for s in self.sectors if s not in Sector.values]
        if bad_sectors:
            errors["sectors"] = [_("Ukendte sektorer: %(s)s.") % {"s": ", ".join(bad_sectors)}]
        if not 1 <= self.limit <= MAX_LIMIT:
            errors["limit"] = [_("Mellem 1 og %(n)s.") % {"n": MAX_LIMIT}]
        if errors:
            raise ValidationError(errors)


def match(request: MatchRequest) -> tuple[list[Suggestion], str]:
    """Suggestions best first, and the focus area used (given or classified)."""
    request.validate()
    focus = request.focus_area or classify(request.text).focus_area
    evidence: dict[int, dict[str, float]] = defaultdict(dict)
    reasons: dict[int, list[str]] = defaultdict(list)

    # 1. Text: organisation documents directly; capacities and partnerships via their owner.
    hits = _text_hits(request.text)
    capacities = Capacity.objects.in_bulk([d.object_id for d, _r in hits if d.doc_type == DocType.CAPACITY])
    participants: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for partnership_id, org_id, title in Participant.objects.filter(
        partnership_id__in=[d.object_id for d, _r in hits if d.doc_type == DocType.PARTNERSHIP]
    ).values_list("partnership_id", "organisation_id", "partnership__title"):
        participants[partnership_id].append((org_id, title))
    for doc, relevance in hits:
        if doc.doc_type == DocType.ORGANISATION:
            org_id = doc.object_id
            if relevance > evidence[org_id].get("text", 0):
                evidence[org_id]["text"] = relevance
        elif doc.doc_type == DocType.CAPACITY:
            capacity = capacities.get(doc.object_id)
            if capacity:
                evidence[capacity.organisation_id]["capacity"] = max(
                    relevance, evidence[capacity.organisation_id].get("capacity", 0)
                )
                reasons[capacity.organisation_id].append(_("kapacitet: %(c)s") % {"c": str(capacity)})
        elif doc.doc_type == DocType.PARTNERSHIP:
            for org_id, title in participants[doc.object_id]:
                if relevance * 0.8 > evidence[org_id].get("text", 0):
                    evidence[org_id]["text"] = relevance * 0.8
                    reasons[org_id].append(_("partnerskab om lignende: »%(t)s«") % {"t": title})

    # 2. Focus area of earlier partnerships.
    focus_counts = dict(
        Participant.objects.filter(partnership__focus_area=focus)
        .values_list("organisation_id")
        .annotate(n=Count("partnership", distinct=True))
    )
    label = FOCUS_AREA_BY_SLUG[focus].da
    for org_id, n in focus_counts.items():
        evidence[org_id]["focus_area"] = min(1.0, 0.5 + 0.25 * n)
        reasons[org_id].append(
            _("%(n)s tidligere partnerskab(er) inden for %(label)s") % {"n": n, "label": label}
        )

    # 3. Earlier partnerships with the asker.
    if request.asker is not None:
        own = Participant.objects.filter(organisation=request.asker).values("partnership_id")
        for org_id in (
            Participant.objects.filter(partnership_id__in=own)
            .exclude(organisation=request.asker)
            .values_list("organisation_id", flat=True)
        ):
            evidence[org_id]["history"] = 1.0
            reasons[org_id].append(_("har tidligere samarbejdet med %(o)s") % {"o": request.asker.name})

    # Only public (verified) organisations are suggested; unverified ones wait for staff.
    candidates = public_organisations().filter(pk__in=list(evidence)).select_related("region")
    if request.kinds:
        candidates = candidates.filter(kind__in=request.kinds)
    if request.sectors:
        candidates = candidates.filter(sector__in=request.sectors)
    if request.region:
        # Organisations elsewhere are excluded; those without a registered location (many
        # national companies) stay, without location points.
        candidates = candidates.filter(
            Q(region__slug__in={request.region, *NEIGHBOURS.get(request.region, ())}) | Q(region__isnull=True)
        )
    exclude = set(request.exclude) | ({request.asker.pk} if request.asker else set())
    suggestions = []
    for org in candidates:
        if org.pk in exclude or not (
            evidence[org.pk].get("text")
            or evidence[org.pk].get("capacity")
            or evidence[org.pk].get("focus_area")
        ):
            continue
        signals = dict(evidence[org.pk])
        org_reasons = list(dict.fromkeys(reasons[org.pk]))
        if request.region and org.region is not None:
            if org.region.slug == request.region:
                signals["region"] = 1.0
                org_reasons.append(_("ligger i %(r)s") % {"r": org.region.name})
            else:
                signals["near"] = 1.0
                org_reasons.append(_("ligger i nabo-regionen %(r)s") % {"r": org.region.name})
        if signals.get("text") and not any(r.startswith(_("partnerskab")) for r in org_reasons):
            org_reasons.insert(0, _("beskrivelsen matcher teksten"))
        score = sum(WEIGHTS[name] * value for name, value in signals.items())
        fired = [name for name in WEIGHTS if signals.get(name)]
        suggestions.append(Suggestion(org, round(min(1.0, score), 4), org_reasons, fired))
    suggestions.sort(key=lambda s: (-s.score, s.organisation.name))
    return _diversify(suggestions, request.limit), focus


def _text_hits(text: str) -> list[tuple[SearchDocument, float]]:
    results = search(q=text[:500], any_word=True, page_size=60)
    documents = {
        (d.doc_type, d.object_id): d
        for d in SearchDocument.objects.filter(object_id__in=[r.id for r in results.results])
    }
    pairs = []
    for result in results.results:
        doc = documents.get((result.type, result.id))
        if doc is not None and doc.doc_type != DocType.DATASET:  # data, not a partner
            pairs.append((doc, result.score))
    if results.results:
        best = max(s for _d, s in pairs) or 1.0
        pairs = [(d, s / best) for d, s in pairs]
    return pairs


def _diversify(suggestions: list[Suggestion], limit: int) -> list[Suggestion]:
    per_parent: dict[int, int] = defaultdict(int)
    chosen = []
    for suggestion in suggestions:
        parent = suggestion.organisation.parent_id or suggestion.organisation.pk
        if per_parent[parent] >= MAX_PER_PARENT:
            continue
        per_parent[parent] += 1
        chosen.append(suggestion)
        if len(chosen) == limit:
            break
    return chosen
