"""Seed the historical incident(s) from seed_data/incidents.csv; running twice changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from django.db import transaction

from videnbro.core.tabular import read_seed_csv, split_cell
from videnbro.partnerships.models import Partnership
from videnbro.registry.models import Organisation, Region, Source

from .models import Incident

SEED_DIR = Path(__file__).resolve().parent / "seed_data"


class SeedError(Exception):
    pass


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def seed_crisis(*, progress: bool = True) -> dict[str, int]:
    stats: Counter[str] = Counter()
    with transaction.atomic():
        for row in read_seed_csv(SEED_DIR / "incidents.csv"):
            source = Source.objects.filter(code=row["source"]).first()
            if source is None:
                raise SeedError(f"incidents.csv: unknown source {row['source']!r}")
            values = {
                "title": row["title"],
                "title_en": row["title_en"],
                "kind": row["kind"],
                "status": row["status"],
                "starts_on": _date(row["starts_on"]),
                "ends_on": _date(row["ends_on"]),
                "description": row["description"],
                "source": source,
                "source_page": row["source_page"].replace(" | ", ", "),
            }
            incident, created = Incident.objects.get_or_create(key=row["key"], defaults=values)
            if not created:
                Incident.objects.filter(pk=incident.pk).update(**values)
            keys = split_cell(row["responsible"])
            responsible = list(Organisation.objects.filter(key__in=keys))
            missing = set(keys) - {o.key for o in responsible}
            if missing:
                raise SeedError(f"incidents.csv: unknown organisations {sorted(missing)}")
            incident.responsible.set(responsible)
            incident.regions.set(Region.objects.filter(slug__in=split_cell(row["regions"])))
            if row["partnerships"] == "cbs":
                incident.partnerships.set(Partnership.objects.filter(cbs_number__isnull=False))
            stats["incidents"] += 1
            stats["incident partnerships"] += incident.partnerships.count()
    return dict(stats)
