"""Partnership reads: the landscape counts, the collaboration network, organisation pages."""

from __future__ import annotations

import hashlib
from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING, Any

import networkx as nx
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet

from videnbro.core import versions
from videnbro.registry.models import Organisation
from videnbro.registry.selectors import public_organisations, visible_organisations

from .models import Participant, Partnership
from .services import LANDSCAPE_VERSION
from .taxonomy import FOCUS_AREAS, PARTNER_TYPES

if TYPE_CHECKING:
    from videnbro.accounts.types import Actor

# Exact betweenness is O(V·E); above this many nodes it is estimated from a fixed sample.
BETWEENNESS_EXACT_LIMIT = 600


def partnership_queryset(user: Actor = None) -> QuerySet[Partnership]:
    """Partnerships with their participants as lists show them: only organisations `user` may
    see (the registry's one rule, `visible_organisations`) – without a user, the public ones.
    Unverified organisations (made from offers, volunteers, sign-ups) stay staff-only in the
    partnership table, page, API and exports (issue 12, finding 6)."""
    return Partnership.objects.prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.select_related("organisation")
            .filter(organisation__in=visible_organisations(user).values("pk"))
            .order_by("position", "id"),
        ),
        "sources__source",
    )


def landscape_cached(queryset: QuerySet[Partnership], *, params: str, lang: str = "da") -> dict[str, Any]:
    """`landscape()` cached per filter parameters and data version (never stale: every write
    through the services bumps the version in its own transaction)."""

    if connection.in_atomic_block:  # a rolled-back transaction could reuse the version
        return landscape(queryset, lang=lang)
    version = versions.current(LANDSCAPE_VERSION)
    key = "landscape:" + hashlib.sha256(f"{version}|{lang}|{params}".encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = landscape(queryset, lang=lang)
        cache.set(key, result, timeout=3600)
    return result


def landscape(queryset: QuerySet[Partnership], *, lang: str = "da") -> dict[str, Any]:
    """Counts per CBS partner type and focus area, every label present (zero included)."""
    # One GROUP BY over (partner type, focus area) – served by a covering index.
    pairs = queryset.order_by().values_list("partner_type", "focus_area").annotate(n=Count("id"))
    by_type: Counter[str] = Counter()
    by_focus: Counter[str] = Counter()
    for partner_type, focus_area, n in pairs:
        by_type[partner_type] += n
        by_focus[focus_area] += n
    total = sum(by_type.values())
    label = (lambda term: term.en) if lang == "en" else (lambda term: term.da)
    return {
        "total": total,
        "partner_types": {label(t): by_type.get(t.slug, 0) for t in PARTNER_TYPES},
        "focus_areas": {label(t): by_focus.get(t.slug, 0) for t in FOCUS_AREAS},
        "unclassified": {
            "partner_type": by_type.get("", 0),
            "focus_area": by_focus.get("", 0),
        },
        "labels": {
            "partner_types": {t.slug: {"da": t.da, "en": t.en} for t in PARTNER_TYPES},
            "focus_areas": {t.slug: {"da": t.da, "en": t.en} for t in FOCUS_AREAS},
        },
    }


def collaboration_graph(queryset: QuerySet[Partnership]) -> nx.Graph:
    """Organisations as nodes; an edge for each pair sharing partnerships (weight = count)."""
    # Unverified organisations (created from offers or imports) are not part of the network.
    rows = Participant.objects.filter(
        partnership__in=queryset.values("id"), organisation__in=public_organisations()
    ).values_list("partnership_id", "organisation_id")
    members: dict[int, set[int]] = {}
    for partnership_id, organisation_id in rows:
        members.setdefault(partnership_id, set()).add(organisation_id)
    graph = nx.Graph()
    partnership_count: Counter[int] = Counter()
    for organisations in members.values():
        partnership_count.update(organisations)
        graph.add_nodes_from(organisations)
        for a, b in combinations(sorted(organisations), 2):
            weight = graph[a][b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    nx.set_node_attributes(graph, dict(partnership_count), "partnerships")
    return graph


def network(queryset: QuerySet[Partnership], *, top: int = 20) -> dict[str, Any]:
    graph = collaboration_graph(queryset)
    if graph.number_of_nodes() > BETWEENNESS_EXACT_LIMIT:
        betweenness = nx.betweenness_centrality(graph, k=BETWEENNESS_EXACT_LIMIT, seed=1)
        exact = False
    else:
        betweenness = nx.betweenness_centrality(graph)
        exact = True
    organisations = Organisation.objects.in_bulk(list(graph.nodes))
    nodes = []
    for node_id in graph.nodes:
        org = organisations[node_id]
        nodes.append(
            {
                "id": node_id,
                "name": org.name,
                "key": org.key,
                "kind": org.kind,
                "sector": org.sector,
                "url": org.get_absolute_url(),
                "partnerships": graph.nodes[node_id].get("partnerships", 0),
                "degree": graph.degree(node_id),
                "betweenness": round(betweenness.get(node_id, 0.0), 4),
            }
        )
    edges = [{"source": a, "target": b, "weight": data["weight"]} for a, b, data in graph.edges(data=True)]
    ranked = sorted(nodes, key=lambda n: (-n["degree"], -n["betweenness"], n["name"]))
    return {
        "nodes": nodes,
        "edges": edges,
        "most_connected": ranked[:top],
        "stats": {
            "nodes": len(nodes),
            "edges": len(edges),
            "components": nx.number_connected_components(graph) if nodes else 0,
            "betweenness_exact": exact,
        },
    }


def organisation_partnerships(organisation: Organisation) -> dict[str, Any]:
    """An organisation's partnerships and the organisations it has worked with."""
    participations = (
        Participant.objects.filter(organisation=organisation)
        .select_related("partnership")
        .order_by("partnership__cbs_number", "partnership__title")
    )
    partnership_ids = [p.partnership_id for p in participations]
    partners = (
        public_organisations()
        .filter(participations__partnership_id__in=partnership_ids)
        .exclude(pk=organisation.pk)
        .annotate(shared=Count("participations__partnership", distinct=True))
        .order_by("-shared", "name")
    )
    return {"participations": participations, "partners": partners}
