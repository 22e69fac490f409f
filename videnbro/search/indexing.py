"""Keeping the index current: called inside the writing transaction (see receivers.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from videnbro.core import versions
from videnbro.datamap.models import Dataset
from videnbro.partnerships.models import Partnership
from videnbro.registry.models import Organisation

from .backends import get_backend
from .documents import (
    Document,
    dataset_documents,
    dataset_queryset,
    organisation_documents,
    organisation_queryset,
    partnership_documents,
    partnership_queryset,
)
from .models import DocType, SearchDocument

INDEX_BATCH = 200
# Bumped in the writing transaction whenever the index changes: the vocabulary and the result
# cache follow it.
INDEX_VERSION = "search.index"


def _write(documents: list[Document]) -> None:
    """Documents are built with Danish (unprefixed) URLs whatever language is active."""
    if not documents:
        return
    existing = {
        (d.doc_type, d.object_id): d
        for d in SearchDocument.objects.filter(
            doc_type__in={doc.doc_type for doc in documents},
            object_id__in=[doc.object_id for doc in documents],
        )
    }
    rows, new = [], []
    for doc in documents:
        values = doc.values()
        row = existing.get((doc.doc_type, doc.object_id))
        if row is None:
            new.append(SearchDocument(doc_type=doc.doc_type, object_id=doc.object_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            rows.append(row)
    if rows:
        now = timezone.now()
        for row in rows:
            row.updated = now  # bulk_update does not apply auto_now
        fields = [
            *Document.__dataclass_fields__.keys() - {"doc_type", "object_id"},
            "title_terms",
            "body_terms",
            "exact_keys",
            "updated",
        ]
        if len(rows) == 1:  # one record edited: a plain UPDATE is much cheaper to build
            SearchDocument.objects.filter(pk=rows[0].pk).update(
                **{name: getattr(rows[0], name) for name in fields}
            )
        else:
            SearchDocument.objects.bulk_update(rows, fields, batch_size=100)  # SQLite limits CASE depth
    if new:
        SearchDocument.objects.bulk_create(new, batch_size=500)
        # bulk_create does not return ids on every backend: fetch them.
        new = list(
            SearchDocument.objects.filter(
                doc_type__in={d.doc_type for d in new}, object_id__in=[d.object_id for d in new]
            )
        )
    get_backend().write(rows + new)
    versions.bump(INDEX_VERSION)


def delete_documents(queryset: QuerySet[SearchDocument]) -> None:
    """Remove documents from the index and the back end (e.g. `videnbro synth --delete`)."""
    ids = list(queryset.values_list("id", flat=True))
    if ids:
        get_backend().delete(ids)
        SearchDocument.objects.filter(id__in=ids).delete()
        versions.bump(INDEX_VERSION)


def _batched(indexer):
    """Large id lists are indexed in batches: SQLite limits the depth of one query."""

    def run(ids: Iterable[int]) -> None:
        ids = list(ids)
        with transaction.atomic():
            for start in range(0, len(ids), INDEX_BATCH):
                indexer(ids[start : start + INDEX_BATCH])

    run.__doc__ = indexer.__doc__
    return run


@_batched
def index_organisations(ids: list[int]) -> None:
    """Index organisations and their capacities; ids that no longer exist are removed."""
    organisations = list(organisation_queryset().filter(pk__in=ids))
    delete_documents(
        SearchDocument.objects.filter(doc_type=DocType.CAPACITY, owner__in=[f"organisation:{i}" for i in ids])
    )
    found = {o.pk for o in organisations}
    delete_documents(
        SearchDocument.objects.filter(doc_type=DocType.ORGANISATION, object_id__in=set(ids) - found)
    )
    with translation.override("da"):
        documents = organisation_documents(organisations)
    _write(documents)


def _reindex(doc_type: str, queryset, build, ids: list[int]) -> None:
    """Write the documents of the records with these ids; ids that no longer exist are
    removed from the index."""
    records = list(queryset.filter(pk__in=ids))
    delete_documents(
        SearchDocument.objects.filter(doc_type=doc_type, object_id__in=set(ids) - {r.pk for r in records})
    )
    with translation.override("da"):
        documents = build(records)
    _write(documents)


@_batched
def index_partnerships(ids: list[int]) -> None:
    """Index partnerships; ids that no longer exist are removed."""
    _reindex(DocType.PARTNERSHIP, partnership_queryset(), partnership_documents, ids)


@_batched
def index_datasets(ids: list[int]) -> None:
    """Index health datasets with their variables; ids that no longer exist are removed."""
    _reindex(DocType.DATASET, dataset_queryset(), dataset_documents, ids)


def rebuild(progress: Callable[[int], None] | None = None, batch: int = 200) -> int:
    """Re-create the whole index (e.g. `videnbro search rebuild`); returns documents written."""

    with transaction.atomic():
        get_backend().clear()
        SearchDocument.objects.all().delete()
        for model, indexer in (
            (Organisation, index_organisations),
            (Partnership, index_partnerships),
            (Dataset, index_datasets),
        ):
            ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                indexer(chunk)
                if progress:
                    progress(len(chunk))
    return SearchDocument.objects.count()
