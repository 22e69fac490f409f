"""The index's vocabulary in memory, for expanding query words to the terms that exist:
parts of compounds ("visir" → "ansigtsvisir"), typos ("grundfoss" → "grundfos") and stems
that differ ("vaernemiddel" → "vaernemidl"). Refreshed incrementally when the index changes."""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from videnbro.core import versions

from .indexing import INDEX_VERSION
from .models import SearchDocument

MIN_SUBSTRING = 4
MAX_EXPANSIONS = 40


class Vocabulary:
    def __init__(self) -> None:
        self.frequency: Counter[str] = Counter()
        self.terms: list[str] = []
        self.blob = ""
        self.offsets: list[int] = []
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        self.fingerprint: tuple | None = None
        self.version: int | None = None
        self.seen_until = None
        self.lock = threading.Lock()

    def refresh(self, version: int | None = None) -> bool:
        version = versions.current(INDEX_VERSION) if version is None else version
        # Inside a transaction the version may be rolled back and reused (tests, failed
        # writes), so there the cheap version check is not trusted on its own.
        if version == self.version and not connection.in_atomic_block:
            return False
        stats = SearchDocument.objects.aggregate(n=Count("id"), last=Max("updated"), top=Max("id"))
        fingerprint = (stats["n"], stats["last"], stats["top"])
        if fingerprint == self.fingerprint:
            self.version = version
            return False
        with self.lock:
            rows = SearchDocument.objects.all()
            if self.seen_until is not None and self.fingerprint and stats["n"] >= self.fingerprint[0]:
                rows = rows.filter(updated__gte=self.seen_until)  # only what changed
            else:
                self.frequency = Counter()
            for title_terms, body_terms in rows.values_list("title_terms", "body_terms").iterator(
                chunk_size=2000
            ):
                self.frequency.update(set(title_terms.split()) | set(body_terms.split()))
            self.terms = sorted(self.frequency)
            # One newline-joined string for substring search at C speed, and the terms grouped
            # by first letter for typo search (a typo in the first letter is rare).
            self.blob = "\n".join(self.terms)
            self.offsets = []
            position = 0
            for term in self.terms:
                self.offsets.append(position)
                position += len(term) + 1
            self.by_initial = defaultdict(list)
            for term in self.terms:
                self.by_initial[term[0]].append(term)
            self.seen_until = stats["last"]
            self.fingerprint = fingerprint
            self.version = version
            expand_word.cache_clear()
        return True


vocabulary = Vocabulary()


def _containing(fragment: str, limit: int = 400) -> set[str]:
    """Vocabulary terms that contain `fragment` (compound parts)."""
    found: set[str] = set()
    for match in re.finditer(re.escape(fragment), vocabulary.blob):
        index = bisect_right(vocabulary.offsets, match.start()) - 1
        found.add(vocabulary.terms[index])
        if len(found) >= limit:
            break
    return found


@lru_cache(maxsize=8192)
def expand_word(term_variants: tuple[str, ...], fuzzy: bool = True) -> tuple[tuple[str, ...], bool]:
    """Index terms that a query word may stand for, best first, and whether the word itself
    (or a near spelling of it) occurs in the index – not only as part of longer words."""
    frequency = vocabulary.frequency
    found = [t for t in term_variants if t in frequency]
    extra: set[str] = set()
    longest = max(term_variants, key=len)
    if len(longest) >= MIN_SUBSTRING:
        for variant in {v for v in term_variants if len(v) >= MIN_SUBSTRING}:
            extra.update(t for t in _containing(variant) if t not in found)
    near: set[str] = set()
    if fuzzy and len(longest) >= 5:
        cutoff = 84 if len(longest) >= 7 else 88
        for variant in term_variants:
            candidates = vocabulary.by_initial.get(variant[:1], [])
            for term, _score, _i in process.extract(
                variant, candidates, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
            ):
                if term not in found:
                    near.add(term)
    ranked = sorted(extra | near, key=lambda t: -frequency[t])[:MAX_EXPANSIONS]
    return tuple(dict.fromkeys([*term_variants, *found, *ranked])), bool(found or near)
