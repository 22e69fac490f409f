"""Map a written organisation name to its one canonical registry record.

Stages, strongest first: exact name, exact alias, normalised name/alias (case, punctuation,
legal suffixes such as "A/S", æ/ø/å vs ae/oe/aa), compact form ("H/M" = "H&M"), then fuzzy
similarity. Below the threshold, or when two organisations are equally close, there is no
match – only candidates. A wrong organisation is worse than none.

Unverified organisations (created from offers or imports, staff-only) are matched only when the
caller asks for them (`include_unverified=True`, e.g. the offer intake, so a second offer from
the same unknown sender finds the first one's record); public callers never see them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from videnbro.core.text import DISTINGUISHING_WORDS, compact, normalise_name

from .models import Organisation, OrganisationAlias

MATCH_THRESHOLD = 0.88
AMBIGUITY_MARGIN = 0.04
SHORT_NAME_LENGTH = 4  # below this many characters only exact/alias matches count

SCORE_EXACT_NAME = 1.0
SCORE_EXACT_ALIAS = 0.99
SCORE_NORMALISED = 0.97
SCORE_COMPACT = 0.95
DISTINGUISHING_PENALTY = 0.75


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    score: float


@dataclass
class Resolution:
    match: Candidate | None
    score: float
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class _Label:
    organisation_id: int
    organisation_name: str
    text: str
    normalised: str
    is_alias: bool


class _Index:
    """All names and aliases in memory, rebuilt when the registry's fingerprint changes."""

    def __init__(self) -> None:
        self.fingerprint: tuple | None = None
        self.labels: list[_Label] = []
        self.by_normalised: dict[str, list[_Label]] = {}
        self.by_compact: dict[str, list[_Label]] = {}
        self.choices: list[str] = []
        self.unverified: frozenset[int] = frozenset()
        self.lock = threading.Lock()

    @staticmethod
    def current_fingerprint() -> tuple:
        orgs = Organisation.objects.aggregate(n=Count("id"), last=Max("updated"), top=Max("id"))
        aliases = OrganisationAlias.objects.aggregate(n=Count("id"), top=Max("id"))
        return (orgs["n"], orgs["last"], orgs["top"], aliases["n"], aliases["top"])

    def refresh(self) -> None:
        fingerprint = self.current_fingerprint()
        if fingerprint == self.fingerprint:
            return
        with self.lock:
            labels = [
                _Label(pk, name, name, norm, False)
                for pk, name, norm in Organisation.objects.values_list("id", "name", "normalised_name")
            ]
            names = {label.organisation_id: label.organisation_name for label in labels}
            labels += [
                _Label(pk, names[pk], name_en, normalise_name(name_en), True)
                for pk, name_en in Organisation.objects.exclude(name_en="").values_list("id", "name_en")
                if normalise_name(name_en) != normalise_name(names[pk])
            ]
            labels += [
                _Label(org_id, names.get(org_id, ""), alias, norm, True)
                for org_id, alias, norm in OrganisationAlias.objects.values_list(
                    "organisation_id", "name", "normalised_name"
                )
            ]
            by_normalised: dict[str, list[_Label]] = {}
            by_compact: dict[str, list[_Label]] = {}
            for label in labels:
                by_normalised.setdefault(label.normalised, []).append(label)
                by_compact.setdefault(compact(label.normalised), []).append(label)
            self.labels = labels
            self.by_normalised = by_normalised
            self.by_compact = by_compact
            self.choices = [label.normalised for label in labels]
            self.unverified = frozenset(Organisation.objects.unverified().values_list("id", flat=True))
            self.fingerprint = fingerprint


_index = _Index()


def _distinguishing(normalised: str) -> frozenset[str]:
    return frozenset(normalised.split()) & DISTINGUISHING_WORDS


def _best_per_organisation(scored: list[tuple[_Label, float]]) -> list[Candidate]:
    best: dict[int, Candidate] = {}
    for label, score in scored:
        current = best.get(label.organisation_id)
        if current is None or score > current.score:
            best[label.organisation_id] = Candidate(
                label.organisation_id, label.organisation_name, round(score, 4)
            )
    return sorted(best.values(), key=lambda c: (-c.score, c.name))


def _decide(candidates: list[Candidate], limit: int) -> Resolution:
    if not candidates:
        return Resolution(match=None, score=0.0, candidates=[])
    top = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    confident = top.score >= MATCH_THRESHOLD and top.score - runner_up >= AMBIGUITY_MARGIN
    return Resolution(
        match=top if confident else None,
        score=top.score if confident else 0.0,
        candidates=candidates[:limit],
    )


def organisation_resolve(name: str, *, limit: int = 5, include_unverified: bool = False) -> Resolution:
    """Resolve a written name; `match` is None unless the resolver is confident."""
    query = " ".join((name or "").split())
    normalised = normalise_name(query)
    if not normalised:
        return Resolution(match=None, score=0.0, candidates=[])
    _index.refresh()
    hidden = frozenset() if include_unverified else _index.unverified

    def shown(labels: list[_Label]) -> list[_Label]:
        return [label for label in labels if label.organisation_id not in hidden]

    exact: list[tuple[_Label, float]] = []
    folded = query.casefold()
    for label in shown(_index.by_normalised.get(normalised, [])):
        if label.text == query and not label.is_alias:
            exact.append((label, SCORE_EXACT_NAME))
        elif label.text.casefold() == folded:
            exact.append((label, SCORE_EXACT_ALIAS))
        else:
            exact.append((label, SCORE_NORMALISED))
    if not exact:
        exact = [(label, SCORE_COMPACT) for label in shown(_index.by_compact.get(compact(normalised), []))]
    if exact:
        candidates = _best_per_organisation(exact)
        # Several organisations sharing a name or abbreviation is a real ambiguity.
        if len(candidates) > 1 and candidates[0].score == candidates[1].score:
            return Resolution(match=None, score=0.0, candidates=candidates[:limit])
        fuzzy = _fuzzy(normalised, limit, hidden) if len(candidates) < limit else []
        seen = {c.id for c in candidates}
        merged = candidates + [c for c in fuzzy if c.id not in seen and c.score < candidates[0].score]
        return Resolution(match=candidates[0], score=candidates[0].score, candidates=merged[:limit])
    if len(compact(normalised)) < SHORT_NAME_LENGTH:
        return Resolution(match=None, score=0.0, candidates=_fuzzy(normalised, limit, hidden))
    return _decide(_fuzzy(normalised, limit * 3, hidden), limit)


def _fuzzy(normalised: str, limit: int, hidden: frozenset[int] = frozenset()) -> list[Candidate]:
    if not _index.choices:
        return []
    hits = process.extract(
        normalised, _index.choices, scorer=fuzz.ratio, limit=limit * 4 + len(hidden), score_cutoff=60
    )
    hits = [hit for hit in hits if _index.labels[hit[2]].organisation_id not in hidden]
    query_words = _distinguishing(normalised)
    scored: list[tuple[_Label, float]] = []
    for _choice, score, position in hits:
        label = _index.labels[position]
        value = score / 100
        token_value = fuzz.token_sort_ratio(normalised, label.normalised) / 100
        value = max(value, token_value)
        if _distinguishing(label.normalised) != query_words:
            value *= DISTINGUISHING_PENALTY
        scored.append((label, value))
    return _best_per_organisation(scored)[:limit]


def name_matches(organisation: Organisation, name: str) -> bool:
    """Is `name` this organisation's name, an alias, or a spelling variant the resolver would
    accept (case, punctuation, legal suffix, æ/ae, "H/M" = "H&M", close fuzzy match)?

    Used to check a claim: an offer that gives an organisation's CVR under another name is not
    the organisation until staff confirm it."""
    normalised = normalise_name(" ".join((name or "").split()))
    if not normalised:
        return False
    labels = {organisation.normalised_name or normalise_name(organisation.name)}
    if organisation.name_en:
        labels.add(normalise_name(organisation.name_en))
    labels |= set(organisation.aliases.values_list("normalised_name", flat=True))
    labels.discard("")
    if normalised in labels or compact(normalised) in {compact(x) for x in labels}:
        return True
    if len(compact(normalised)) < SHORT_NAME_LENGTH:
        return False
    words = _distinguishing(normalised)
    return any(
        max(fuzz.ratio(normalised, label), fuzz.token_sort_ratio(normalised, label)) / 100 >= MATCH_THRESHOLD
        and _distinguishing(label) == words
        for label in labels
    )
