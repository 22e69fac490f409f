"""Data-version counters for caches of derived views (see core.models.DataVersion)."""

from __future__ import annotations

from django.db.models import F

from .models import DataVersion


def bump(name: str) -> None:
    """Call inside the writing transaction."""
    updated = DataVersion.objects.filter(name=name).update(value=F("value") + 1)
    if not updated:
        DataVersion.objects.get_or_create(name=name, defaults={"value": 1})


def current(name: str) -> int:
    return DataVersion.objects.filter(name=name).values_list("value", flat=True).first() or 0
