"""Duplicate detection: organisations that may be one real body, and near-identical texts.

Organisation pairs are scored from independent evidence – same CVR (certain), same normalised
name or alias, same website domain, very similar names without a distinguishing word – and
listed for a person to decide; merging is `registry.services.organisation_merge`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from urllib.parse import urlparse

from rapidfuzz import fuzz, process

from videnbro.core.text import DISTINGUISHING_WORDS, normalise_name
from videnbro.registry.models import Organisation

NAME_SIMILARITY = 92


@dataclass
class DuplicatePair:
    first: Organisation
    second: Organisation
    score: float
    reasons: list[str] = field(default_factory=list)


def _domain(url: str) -> str:
    host = urlparse(url).netloc.lower() if url else ""
    return host.removeprefix("www.")


def _differences_are_spelling(a: str, b: str) -> bool:
    """Similar names are one body only if the words that differ are spelling variants of each
    other ("grundfos"/"grundfoss"), not different words ("vejen"/"vejle", "randers"/"horsens")."""
    only_a = [w for w in a.split() if w not in b.split()]
    only_b = [w for w in b.split() if w not in a.split()]
    if len(only_a) != len(only_b):
        return "".join(a.split()) == "".join(b.split())
    return all(fuzz.ratio(x, y) >= 88 for x, y in zip(sorted(only_a), sorted(only_b), strict=True))


def _contains_spelling_of(a: str, b: str) -> bool:
    """Every word of the shorter name is (a spelling of) a word of the longer one, the longer
    adds at most two words, and neither adds a distinguishing word ("fonden", "kommune")."""
    short, long = sorted((a.split(), b.split()), key=len)
    if not short or len(short) == len(long) or len(long) - len(short) > 2:
        return False
    if len("".join(short)) < 5:
        return False
    extra = [w for w in long if not any(fuzz.ratio(w, s) >= 88 for s in short)]
    if len(extra) != len(long) - len(short) or set(extra) & DISTINGUISHING_WORDS:
        return False
    return all(any(fuzz.ratio(s, w) >= 88 for w in long) for s in short)


def organisation_duplicates(queryset=None, *, min_score: float = 0.5) -> list[DuplicatePair]:
    organisations = list((queryset or Organisation.objects.all()).prefetch_related("aliases").order_by("pk"))
    by_id = {o.pk: o for o in organisations}
    evidence: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    def note(a: int, b: int, kind: str, weight: float, reason: str) -> None:
        pair = (min(a, b), max(a, b))
        if kind not in evidence[pair]:
            evidence[pair][kind] = weight
            reasons[pair].append(reason)

    groups: dict[str, dict[str, set[int]]] = {
        "cvr": defaultdict(set),
        "name": defaultdict(set),
        "domain": defaultdict(set),
    }
    for org in organisations:
        if org.cvr:
            groups["cvr"][org.cvr].add(org.pk)
        for name in [org.name, *(a.name for a in org.aliases.all())]:
            if normalise_name(name):
                groups["name"][normalise_name(name)].add(org.pk)
        if _domain(org.website):
            groups["domain"][_domain(org.website)].add(org.pk)
    for kind, weight, label in (
        ("cvr", 1.0, "samme CVR-nummer {v}"),
        ("name", 0.7, "samme navn/alias »{v}«"),
        ("domain", 0.5, "samme hjemmeside {v}"),
    ):
        for value, ids in groups[kind].items():
            if 1 < len(ids) <= 20:
                for a, b in combinations(sorted(ids), 2):
                    note(a, b, kind, weight, label.format(v=value))
    names = [normalise_name(o.name) for o in organisations]
    for index, org in enumerate(organisations):
        if len(names[index]) < 5:
            continue
        for _match, score, other in process.extract(
            names[index], names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=6
        ):
            if other == index:
                continue
            words_a = set(names[index].split()) & DISTINGUISHING_WORDS
            words_b = set(names[other].split()) & DISTINGUISHING_WORDS
            if words_a != words_b:
                continue  # "Novo Nordisk Fonden" is not "Novo Nordisk"
            if not _differences_are_spelling(names[index], names[other]):
                continue  # "Vejen Kommune" is not "Vejle Kommune"
            note(
                org.pk,
                organisations[other].pk,
                "similar",
                0.5 * score / 100,
                f"meget ens navne ({score:.0f} %)",
            )
    # One name is the other plus words ("Grundfoss Pumper" ~ "Grundfos"): also a candidate.
    by_first: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        if name:
            by_first[name[:3]].append(index)
    for indexes in by_first.values():
        if len(indexes) > 50:
            continue
        for i, j in combinations(indexes, 2):
            if _contains_spelling_of(names[i], names[j]):
                # The same name plus a word is often a unit ("… Thisted"); a misspelt name
                # plus a word looks more like the same body entered again.
                misspelt = not set(names[i].split()) <= set(names[j].split()) and not set(
                    names[j].split()
                ) <= set(names[i].split())
                note(
                    organisations[i].pk,
                    organisations[j].pk,
                    "contained",
                    0.55 if misspelt else 0.45,
                    "det ene navn er det andet med ekstra ord",
                )
    pairs = []
    for (a, b), signals in evidence.items():
        if by_id[a].cvr and by_id[b].cvr and by_id[a].cvr != by_id[b].cvr:
            continue  # two CVR numbers: two legal bodies, whatever their names
        if by_id[a].parent_id == b or by_id[b].parent_id == a:
            continue  # a unit of an organisation (a hospital's site) is not a duplicate of it

        score = min(1.0, sum(signals.values()))
        if score >= min_score:
            pairs.append(DuplicatePair(by_id[a], by_id[b], round(score, 3), reasons[(a, b)]))
    return sorted(pairs, key=lambda p: (-p.score, p.first.name))


def near_duplicate_texts(
    text: str, candidates: Iterable[tuple[object, str]], *, threshold: float = 0.9
) -> list[tuple[object, float]]:
    """Free-text records that say almost the same (e.g. the same offer sent twice)."""
    text = " ".join(text.casefold().split())
    found = []
    for key, other in candidates:
        other = " ".join((other or "").casefold().split())
        if not other:
            continue
        # Order-insensitive but over all words: "2.000 visirer" is not "2.000 liter håndsprit".
        similarity = fuzz.token_sort_ratio(text, other) / 100
        if similarity >= threshold:
            found.append((key, round(similarity, 3)))
    return sorted(found, key=lambda kv: -kv[1])
