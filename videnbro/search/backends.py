"""The two search back ends: SQLite FTS5 (embedded default) and PostgreSQL full text.

Both take the same analysed query – a list of term groups, a document must match one term of
every group – and return the same thing: matching ids with a relevance score, total and facet
counts. Everything around them (analysis, expansion, ranking boosts, snippets) is shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from .models import SearchDocument

FACETS = (
    "doc_type",
    "focus_area",
    "region",
    "sector",
    "custodian",
    "themes",
    "coding_systems",
    "access_route",
    "personal_data",
)
# Stored '|a|b|' (see SearchDocument.themes): a document counts once under each of its values.
MULTI_VALUED = frozenset({"themes", "coding_systems"})
FILTER_COLUMNS = (*FACETS, "is_synthetic")
CANDIDATE_LIMIT = 300


@dataclass
class Hits:
    scored: list[tuple[int, float]]  # (SearchDocument id, backend relevance 0..1), best first
    total: int
    facets: dict[str, dict[str, int]]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fold_facets(rows) -> tuple[int, dict[str, dict[str, int]]]:
    """Rows of (facet values…, count) → total and per-facet counts."""
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = 0
    for *values, n in rows:
        total += n
        for name, value in zip(FACETS, values, strict=True):
            for one in value.strip("|").split("|") if name in MULTI_VALUED else [value]:
                if one:
                    facets[name][one] = facets[name].get(one, 0) + n
    return total, facets


def filter_documents(queryset: QuerySet[SearchDocument], filters: dict[str, str]) -> QuerySet[SearchDocument]:
    """Filters by column; a multi-valued column matches the whole delimited value, case
    sensitively on every back end (StrIndex is instr() on SQLite, strpos() on PostgreSQL)."""
    for column, value in filters.items():
        assert column in FILTER_COLUMNS  # never user-supplied names
        if column in MULTI_VALUED:
            queryset = queryset.filter(GreaterThan(StrIndex(column, Value(f"|{value}|")), 0))
        else:
            queryset = queryset.filter(**{column: value})
    return queryset


def facet_counts(queryset: QuerySet[SearchDocument]) -> dict[str, dict[str, int]]:
    return _fold_facets(queryset.order_by().values_list(*FACETS).annotate(n=Count("id")))[1]


class SQLiteBackend:
    vendor = "sqlite"

    def write(self, rows: list[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(row.pk,) for row in rows])
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (%s, %s, %s)",
                [(row.pk, row.title_terms, row.body_terms) for row in rows],
            )

    def delete(self, ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def search(
        self,
        groups: list[list[str]],
        filters: dict[str, str],
        *,
        any_group: bool = False,
        limit: int = CANDIDATE_LIMIT,
    ) -> Hits:
        joiner = " OR " if any_group else " AND "
        expression = joiner.join("(" + " OR ".join(_quote(t) for t in group) + ")" for group in groups)
        where, params = ["search_fts MATCH %s"], [expression]
        for column, value in filters.items():
            assert column in FILTER_COLUMNS  # never user-supplied names
            if column in MULTI_VALUED:  # as filter_documents() does
                where.append(f"instr(d.{column}, %s) > 0")
                params.append(f"|{value}|")
            else:
                where.append(f"d.{column} = %s")
                params.append(value)
        source = (
            "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
            "WHERE " + " AND ".join(where)
        )
        columns = ", ".join(f"d.{name}" for name in FACETS)
        with connection.cursor() as cursor:
            # One GROUP BY over all facet columns gives the total and every facet at once.
            cursor.execute(
                f"SELECT {columns}, COUNT(*) {source} "  # noqa: S608 - whitelisted
                f"GROUP BY {columns}",
                params,
            )
            total, facets = _fold_facets(cursor.fetchall())
            if not total:
                return Hits([], 0, facets)
            # bm25 is negative (smaller is better); title terms weigh 4x body terms.
            cursor.execute(
                f"SELECT d.id, bm25(search_fts, 4.0, 1.0) {source} "  # noqa: S608
                f"ORDER BY 2 LIMIT {int(limit)}",
                params,
            )
            rows = cursor.fetchall()
        best = -min((r[1] for r in rows), default=-1.0) or 1.0
        scored = [(pk, max(0.0, min(1.0, -rank / best))) for pk, rank in rows]
        return Hits(scored, total, facets)


class PostgresBackend:
    vendor = "postgresql"

    def write(self, rows: list[SearchDocument]) -> None:
        ids = [row.pk for row in rows]
        with connection.cursor() as cursor:
            # Our analysed terms ('simple' keeps them as they are) weigh most; the 'danish'
            # configuration over the raw body adds PostgreSQL's own Danish stemming.
            cursor.execute(
                "UPDATE search_searchdocument SET search_vector = "
                "setweight(to_tsvector('simple', title_terms), 'A') || "
                "setweight(to_tsvector('simple', body_terms), 'B') || "
                "setweight(to_tsvector('danish', body), 'C') WHERE id = ANY(%s)",
                [ids],
            )

    def delete(self, ids: list[int]) -> None:
        return None  # the rows themselves are deleted

    def clear(self) -> None:
        return None

    def search(
        self,
        groups: list[list[str]],
        filters: dict[str, str],
        *,
        any_group: bool = False,
        limit: int = CANDIDATE_LIMIT,
    ) -> Hits:
        filtered = filter_documents(SearchDocument.objects.all(), filters)
        # Terms are passed as tsquery lexemes via to_tsquery over quoted, escaped terms.
        expression = (" | " if any_group else " & ").join(
            "(" + " | ".join("'" + t.replace("'", "''").replace("\\", "") + "'" for t in group) + ")"
            for group in groups
        )
        matching = filtered.extra(where=["search_vector @@ to_tsquery('simple', %s)"], params=[expression])
        total, facets = _fold_facets(matching.order_by().values_list(*FACETS).annotate(n=Count("id")))
        if not total:
            return Hits([], 0, facets)
        rows = list(
            matching.extra(
                select={"rank": "ts_rank(search_vector, to_tsquery('simple', %s), 1)"},
                select_params=[expression],
            )
            .order_by("-rank", "id")
            .values_list("id", "rank")[:limit]
        )
        best = max((r[1] for r in rows), default=1.0) or 1.0
        scored = [(pk, max(0.0, min(1.0, rank / best))) for pk, rank in rows]
        return Hits(scored, total, facets)


def get_backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()
