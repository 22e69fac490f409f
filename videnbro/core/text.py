"""Name normalisation shared by the resolver, filters and duplicate checks."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Danish letters fold to their two-letter spellings so "Århus" and "Aarhus" meet.
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(a/s|a\.s\.|aps|i/s|k/s|p/s|ivs|a\.m\.b\.a\.?|amba|f\.m\.b\.a\.?|fmba|"
    r"s\.m\.b\.a\.?|smba|ltd\.?|inc\.?|gmbh|ab|as|plc|llc|se)\s*$",
    re.IGNORECASE,
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Words that make two similar names different bodies: "Novo Nordisk Fonden" is not
# "Novo Nordisk", "Aarhus Kommune" is not "Aarhus Universitet".
DISTINGUISHING_WORDS = frozenset(
    {
        "fond",
        "fonden",
        "foundation",
        "fondet",
        "universitet",
        "university",
        "hospital",
        "hospitalet",
        "sygehus",
        "kommune",
        "region",
        "regionen",
        "forening",
        "foreningen",
        "institut",
        "instituttet",
        "institute",
        "styrelsen",
        "ministeriet",
        "ministry",
        "klynge",
        "cluster",
        "akademi",
        "college",
        "skole",
        "hub",
        "center",
        "centre",
        "centret",
        "raad",
        "raadet",
        "council",
        "selskab",
        "selskabet",
        "fagforbund",
        "forbund",
        "forbundet",
        "danmark",
        "denmark",
        "international",
        "group",
        "gruppen",
    }
)


def fold(text: str) -> str:
    """Lowercase, fold æ/ø/å to ae/oe/aa and strip other accents."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_legal_suffix(name: str) -> str:
    previous = None
    while previous != name:
        previous = name
        name = _LEGAL_SUFFIX.sub("", name).strip()
    return name


def normalise_name(name: str) -> str:
    """'Novo Nordisk A/S' → 'novo nordisk'; 'H&M' and 'H/M' → 'h m'; 'Århus' → 'aarhus'."""
    name = strip_legal_suffix(name.strip())
    return _NON_ALNUM.sub(" ", fold(name)).strip()


def compact(normalised: str) -> str:
    return normalised.replace(" ", "")


def slugify_key(name: str) -> str:
    """The registry's key rule: 'Københavns Universitet' → 'koebenhavns-universitet'."""
    text = fold(name.replace("&", " og "))
    return _NON_ALNUM.sub("-", text).strip("-")


def format_quantity(value: float | Decimal) -> str:
    """Danish number format: 3000 → '3.000', 2.5 → '2,5'."""
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".rstrip("0").replace(",", "X").replace(".", ",").replace("X", ".")
