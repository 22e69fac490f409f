"""The one search service: query analysis, back-end match, ranking, snippets, facets."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from videnbro.core import versions
from videnbro.core.analysis import ENGLISH_TO_DANISH, query_words, word_terms
from videnbro.core.text import fold, normalise_name, strip_legal_suffix
from videnbro.datamap.models import AccessRoute, Dataset, Theme
from videnbro.datamap.selectors import coding_systems
from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.models import Region, Sector

from .backends import CANDIDATE_LIMIT, FACETS, facet_counts, filter_documents, get_backend
from .indexing import INDEX_VERSION
from .models import DocType, SearchDocument
from .vocabulary import expand_word, vocabulary

MAX_QUERY_LENGTH = 500
MAX_QUERY_WORDS = 24
PAGE_SIZE = 20
STOPWORDS = frozenset(
    "og i af til for med på en et de den det der som er at om fra the and of for in to a an".split()
)
# Filter and facet names (API and page) → SearchDocument columns; the order is the page's.
FILTERS = {
    "type": "doc_type",
    "focus_area": "focus_area",
    "region": "region",
    "sector": "sector",
    "custodian": "custodian",
    "theme": "themes",
    "coding_system": "coding_systems",
    "access_route": "access_route",
    "personal_data": "personal_data",
}


@dataclass
class Result:
    type: str
    id: int
    title: str
    snippet: str
    url: str
    score: float


@dataclass
class SearchResults:
    query: str
    count: int
    page: int
    results: list[Result] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))


def _term_groups(query: str, *, fuzzy: bool = True) -> list[tuple[str, tuple[str, ...]]]:
    """One group of index terms per meaningful query word; a document must match every group."""
    # "Novo Nordisk A/S": the legal suffix is not part of any record's words.
    words = query_words(strip_legal_suffix(query) or query)
    meaningful = [w for w in words if w not in STOPWORDS and not w.isdigit() and len(w) > 1] or words
    meaningful = meaningful[:MAX_QUERY_WORDS]
    groups = []
    for word in meaningful:
        variants = set(word_terms(word))
        for danish in ENGLISH_TO_DANISH.get(word, ()):
            variants.update(word_terms(danish))
        terms, known = expand_word(tuple(sorted(variants)), fuzzy)
        groups.append((word, terms, known))
    # A word found nowhere in the index (e.g. "face" in "face shields") would empty an AND
    # query: it is dropped as long as another word is known.
    kept = [g for g in groups if g[2]] or groups
    return [(word, terms) for word, terms, _known in kept]


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def snippet(text: str, groups: list[tuple[str, tuple[str, ...]]], width: int = 90) -> str:
    """HTML-escaped excerpt around the first matching word, matches wrapped in <mark>."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    wanted = {t for _w, terms in groups for t in terms}
    spans = [
        m.span()
        for m in _TOKEN.finditer(text)
        if set(word_terms(m.group().casefold())) & wanted
        or any(t in fold(m.group()) for t in wanted if len(t) >= 4)
    ]
    if not spans:
        excerpt = text[: width * 2]
        return html.escape(excerpt) + ("…" if len(text) > len(excerpt) else "")
    start = max(0, spans[0][0] - width // 2)
    end = min(len(text), start + width * 2)
    out, cursor = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(html.escape(text[cursor:a]))
        out.append("<mark>" + html.escape(text[a:b]) + "</mark>")
        cursor = b
    out.append(html.escape(text[cursor:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def _allowed_filter_values(param: str) -> list[str]:
    """The values a filter accepts, read only for a filter that is used."""
    match param:
        case "type":
            return list(DocType.values)
        case "focus_area":
            return list(FocusArea.values)
        case "region":
            return list(Region.objects.order_by("code").values_list("slug", flat=True))
        case "sector":
            return list(Sector.values)
        case "custodian":
            return list(
                Dataset.objects.order_by("custodian__key").values_list("custodian__key", flat=True).distinct()
            )
        case "theme":
            return list(Theme.values)
        case "coding_system":
            return coding_systems()
        case "access_route":
            return list(AccessRoute.objects.order_by("key").values_list("key", flat=True))
        case "personal_data":
            return ["yes", "no"]
    raise KeyError(param)


def validate_params(params: dict[str, Any]) -> tuple[str, dict[str, str], int]:
    q = (params.get("q") or "").strip()
    errors: dict[str, list[str]] = {}
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = [_("Søgningen må højst være %(n)s tegn.") % {"n": MAX_QUERY_LENGTH}]
    filters = {}
    for param, column in FILTERS.items():
        value = (params.get(param) or "").strip()
        if value:
            allowed = _allowed_filter_values(param)
            if param == "coding_system":  # "icd-10" is ICD-10, as on the data map
                value = next((a for a in allowed if a.casefold() == value.casefold()), value)
            if value not in allowed:
                errors[param] = [
                    _("Ukendt værdi »%(value)s«. Tilladte værdier: %(allowed)s.")
                    % {"value": value[:40], "allowed": ", ".join(allowed)}
                ]
            filters[column] = value
    try:
        page = int(params.get("page") or 1)
        if page < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["page"] = [_("Sidetallet skal være et positivt heltal.")]
        page = 1
    if errors:
        raise ValidationError(errors)
    return q, filters, page


def search(
    *,
    q: str = "",
    filters: dict[str, str] | None = None,
    page: int = 1,
    any_word: bool = False,
    page_size: int = PAGE_SIZE,
) -> SearchResults:
    """Search everything; an empty query gives no results but the facets of the whole index,
    and with filters lists (browses) what they select, alphabetically.

    `any_word` (for matchmaking over long texts) matches documents with any of the words,
    ranked by how well they match, instead of requiring all of them."""
    filters = filters or {}
    if not q.strip():
        selected = filter_documents(SearchDocument.objects.all(), filters)
        facets = facet_counts(selected)
        if not filters:
            return SearchResults(q, 0, page, [], _facet_view(facets))
        start = (page - 1) * page_size
        results = [
            Result(doc.doc_type, doc.object_id, doc.title, snippet(doc.body or doc.aliases, []), doc.url, 0.0)
            for doc in selected.only("doc_type", "object_id", "title", "body", "aliases", "url").order_by(
                "title", "pk"
            )[start : start + page_size]
        ]
        return SearchResults(q, sum(facets["doc_type"].values()), page, results, _facet_view(facets))
    version = versions.current(INDEX_VERSION)
    key = (
        "search:"
        + hashlib.sha256(
            repr((version, q, sorted(filters.items()), page, any_word, page_size)).encode()
        ).hexdigest()
    )
    # Results computed inside a transaction could be rolled back with it: not cached.
    cacheable = not connection.in_atomic_block
    cached = cache.get(key) if cacheable else None
    if cached is not None:
        return cached
    vocabulary.refresh(version)
    # Long texts for matchmaking: no typo expansion per word (costly, little gain).
    groups = _term_groups(q, fuzzy=not any_word)
    if not groups:
        return SearchResults(q, 0, page, [], _facet_view({name: {} for name in FACETS}))
    hits = get_backend().search(
        [list(terms) for _w, terms in groups],
        filters,
        any_group=any_word,
        limit=max(CANDIDATE_LIMIT, page * page_size),
    )
    documents = SearchDocument.objects.in_bulk([pk for pk, _s in hits.scored])
    exact = normalise_name(q)
    ranked = []
    for pk, relevance in hits.scored:
        doc = documents.get(pk)
        if doc is None:
            continue
        keys = doc.exact_keys.split("|")
        if exact and exact in keys:
            priority, score = 0, 1.0
        elif exact and any(k.startswith(exact) for k in keys):
            priority, score = 1, 0.7 + 0.25 * relevance
        else:
            priority, score = 2, 0.65 * relevance
        ranked.append((priority, -score, doc.title, doc, score))
    ranked.sort(key=lambda r: r[:3])
    start = (page - 1) * page_size
    results = [
        Result(
            doc.doc_type,
            doc.object_id,
            doc.title,
            snippet(doc.body or doc.aliases, groups),
            doc.url,
            round(score, 4),
        )
        for _p, _s, _t, doc, score in ranked[start : start + page_size]
    ]
    outcome = SearchResults(q, hits.total, page, results, _facet_view(hits.facets))
    if cacheable:
        cache.set(key, outcome, timeout=600)
    return outcome


def _facet_view(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    renamed = {name: facets.get(column, {}) for name, column in FILTERS.items()}
    return {
        name: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))) for name, values in renamed.items()
    }
