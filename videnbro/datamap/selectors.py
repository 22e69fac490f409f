"""Reads of the health data map (the filters shared by the API and the pages are in filters.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Dataset


def dataset_queryset() -> QuerySet[Dataset]:
    """Datasets with what a page or the API shows of them, by title."""
    return (
        Dataset.objects.select_related("custodian", "access_route__organisation")
        .prefetch_related("variables")
        .order_by("title", "pk")
    )


def coding_systems() -> list[str]:
    """Every coding system some dataset uses, sorted."""
    return sorted({c for row in Dataset.objects.values_list("coding_systems", flat=True) for c in row})
