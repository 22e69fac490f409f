"""Danish-aware text analysis shared by indexing and querying (identical on every back end).

A text becomes terms: each word lowercased, Danish-stemmed (Snowball) and folded (æ→ae, ø→oe,
å→aa), plus the folded word itself. Queries go through the same steps, so "værnemidler" and
"Værnemidler" meet, and "Århus" meets "Aarhus".
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from videnbro.core.text import fold

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_danish = snowballstemmer.stemmer("danish")
_english = snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").casefold())


@lru_cache(maxsize=50_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one lowercased word: folded form, Danish and English stems."""
    terms = {fold(word), fold(_danish.stemWord(word)), fold(_english.stemWord(word))}
    return tuple(sorted(t for t in terms if t))


def terms(text: str) -> list[str]:
    out: list[str] = []
    for word in words(text):
        out.extend(word_terms(word))
    return out


def terms_text(text: str) -> str:
    return " ".join(terms(text))


# English query words → the Danish domain words records are written in (PRODUCT.md glossary).
ENGLISH_TO_DANISH: dict[str, tuple[str, ...]] = {
    "sanitizer": ("håndsprit",),
    "sanitiser": ("håndsprit",),
    "hand": ("hånd",),
    "ppe": ("værnemidler",),
    "protective": ("værnemidler",),
    "equipment": ("udstyr", "værnemidler"),
    "shield": ("visir",),
    "shields": ("visir",),
    "visor": ("visir",),
    "visors": ("visir",),
    "mask": ("maske",),
    "masks": ("maske",),
    "gloves": ("handsker",),
    "gowns": ("kitler",),
    "testing": ("test",),
    "tests": ("test",),
    "vaccines": ("vaccine",),
    "beds": ("senge",),
    "bed": ("senge",),
    "tracing": ("smittesporing",),
    "volunteer": ("frivillig",),
    "volunteers": ("frivillige",),
    "elderly": ("ældre",),
    "lonely": ("ensomme",),
    "vulnerable": ("udsatte",),
    "hospital": ("hospital", "sygehus"),
    "municipality": ("kommune",),
    "university": ("universitet",),
    "company": ("virksomhed",),
    "companies": ("virksomheder",),
    "patients": ("patienter",),
    "treatment": ("behandling",),
    "communication": ("kommunikation",),
    "infection": ("smitte",),
    "workforce": ("arbejdskraft",),
    "staff": ("personale",),
    "nurses": ("sygeplejersker",),
    "data": ("data",),
}


def query_words(query: str) -> list[str]:
    """Words of a query, deduplicated in order; operators and quotes are just text."""
    seen: dict[str, None] = {}
    for word in words(query):
        seen.setdefault(word, None)
    return list(seen)
