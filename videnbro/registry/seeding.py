"""Loading the registry seed files in seed_data/ through the registry services.

Idempotent: every record is keyed (source code, region code, municipality code, organisation
key, membership triple, …) and only written when it differs, so a second run writes nothing –
no duplicates, no audit rows, no history rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from tqdm import tqdm

from videnbro.core.audit import SystemActor
from videnbro.core.tabular import read_seed_csv, split_cell
from videnbro.core.text import slugify_key

from . import services
from .models import (
    Capacity,
    Kind,
    Membership,
    Municipality,
    Organisation,
    OrganisationSite,
    Region,
    Source,
)

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
ACTOR = SystemActor("seed")


class SeedError(Exception):
    pass


def _read(pattern: str) -> list[tuple[str, dict[str, str]]]:
    return [(path.name, row) for path in sorted(SEED_DIR.glob(pattern)) for row in read_seed_csv(path)]


class _Loader:
    def __init__(self, progress: bool) -> None:
        self.stats: Counter[str] = Counter()
        self.sources: dict[str, Source] = {}
        self.progress = progress

    def bar(self, items: list, desc: str) -> Iterable:
        return tqdm(items, desc=desc, unit="rows", disable=not self.progress, leave=False)

    def source(self, code: str, where: str) -> Source | None:
        if not code:
            return None
        try:
            return self.sources[code]
        except KeyError:
            raise SeedError(f"{where}: unknown source code {code!r}") from None

    def load_sources(self) -> None:
        for _name, row in _read("sources*.csv"):
            values = {
                "title": row["title"],
                "publisher": row.get("publisher", ""),
                "year": int(row["year"]) if row.get("year") else None,
                "url": row.get("url", ""),
            }
            source = Source.objects.filter(code=row["code"]).first()
            if source is None:
                source = Source.objects.create(code=row["code"], **values)
                self.stats["sources created"] += 1
            elif any(getattr(source, k) != v for k, v in values.items()):
                Source.objects.filter(pk=source.pk).update(**values)
                source.refresh_from_db()
            self.sources[row["code"]] = source

    def load_geography(self) -> list[tuple[str, dict[str, Any]]]:
        """Regions and municipalities, and the organisation record of each authority."""
        organisations: list[tuple[str, dict[str, Any]]] = []
        for name, row in _read("regions.csv"):
            values: dict[str, Any] = {
                "slug": row["slug"],
                "name": row["name"],
                "name_en": row["name_en"],
                "short_name": row["short_name"],
                "source": self.source(row["source"], name),
            }
            region, created = Region.objects.get_or_create(code=int(row["code"]), defaults=values)
            if not created and any(getattr(region, k) != v for k, v in values.items()):
                Region.objects.filter(pk=region.pk).update(**values)
            self.stats["regions"] += 1
            organisations.append(
                (
                    slugify_key(row["name"]),
                    {
                        "name": row["name"],
                        "name_en": row["name_en"],
                        "kind": Kind.REGION,
                        "region": Region.objects.get(code=int(row["code"])),
                        "website": row["website"],
                        "source": self.source(row["source"], name),
                        "aliases": split_cell(row.get("aliases", "")),
                    },
                )
            )
        regions = {str(r.code): r for r in Region.objects.all()}
        centroids = {row["code"]: row for _name, row in _read("municipality_centroids.csv")}
        for name, row in _read("municipalities.csv"):
            point = centroids.get(row["code"], {})
            values = {
                "slug": slugify_key(row["name"]),
                "name": row["name"],
                "region": regions[row["region_code"]],
                "latitude": Decimal(point["latitude"]) if point else None,
                "longitude": Decimal(point["longitude"]) if point else None,
                "source": self.source(row["source"], name),
            }
            municipality, created = Municipality.objects.get_or_create(code=row["code"], defaults=values)
            if not created and any(getattr(municipality, k) != v for k, v in values.items()):
                Municipality.objects.filter(pk=municipality.pk).update(**values)
                municipality.refresh_from_db()
            self.stats["municipalities"] += 1
            organisations.append(
                (
                    slugify_key(row["org_name"]),
                    {
                        "name": row["org_name"],
                        "kind": Kind.MUNICIPALITY,
                        "municipality": municipality,
                        "region": municipality.region,
                        "website": row["website"],
                        "source": self.source(row["source"], name),
                        "aliases": [],
                    },
                )
            )
        return organisations

    def organisation_rows(self) -> list[tuple[str, dict[str, Any], str]]:
        municipalities = {m.code: m for m in Municipality.objects.all()}
        regions = {r.slug: r for r in Region.objects.all()}
        rows = []
        for name, row in _read("organisations.*.csv"):
            where = f"{name} {row['key']}"
            if row["kind"] not in Kind.values:
                raise SeedError(f"{where}: unknown kind {row['kind']!r}")
            municipality = municipalities.get(row["municipality"]) if row["municipality"] else None
            if row["municipality"] and municipality is None:
                raise SeedError(f"{where}: unknown municipality {row['municipality']!r}")
            values: dict[str, Any] = {
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "kind": row["kind"],
                "sector": row.get("sector", ""),
                "cvr": row.get("cvr") or None,
                "municipality": municipality,
                "region": municipality.region if municipality else regions.get(row.get("region", "")),
                "website": row.get("website", ""),
                "size_band": row.get("size_band", ""),
                "description": row.get("description", ""),
                "is_acute_hospital": row.get("is_acute_hospital", "").lower() == "yes",
                "source": self.source(row["source"], where),
                "source_page": row.get("source_page", ""),
                "source_url": row.get("source_url", ""),
                "aliases": split_cell(row.get("aliases", "")),
                "competences": split_cell(row.get("competences", "")),
            }
            rows.append((row["key"], values, row.get("parent", "")))
        return rows

    def upsert(self, key: str, values: dict[str, Any]) -> Organisation:
        organisation = Organisation.objects.filter(key=key).first()
        if organisation is None:
            organisation = services.organisation_create(actor=ACTOR, key=key, **values)
            self.stats["organisations created"] += 1
            return organisation
        values = dict(values)
        if not values.get("sector"):
            values.pop("sector", None)
            values["sector"] = organisation.sector if organisation.kind == values["kind"] else ""
        _org, changed = services.organisation_update(actor=ACTOR, organisation=organisation, **values)
        self.stats["organisations updated" if changed else "organisations unchanged"] += 1
        return organisation

    def load_organisations(self, geography: list[tuple[str, dict[str, Any]]]) -> None:
        rows = [(key, values, "") for key, values in geography] + self.organisation_rows()
        duplicates = [k for k, n in Counter(k for k, _v, _p in rows).items() if n > 1]
        if duplicates:
            raise SeedError(f"Keys used more than once across seed files: {duplicates}")
        for key, values, _parent in self.bar(rows, "organisations"):
            self.upsert(key, values)
        keys = {o.key: o for o in Organisation.objects.filter(key__in=[k for k, _v, _p in rows])}
        for key, _values, parent in rows:
            if not parent:
                continue
            if parent not in keys:
                raise SeedError(f"{key}: unknown parent {parent!r}")
            services.organisation_update(actor=ACTOR, organisation=keys[key], parent=keys[parent])

    def organisation(self, key: str, where: str) -> Organisation:
        organisation = Organisation.objects.filter(key=key).first()
        if organisation is None:
            raise SeedError(f"{where}: unknown organisation key {key!r}")
        return organisation

    def load_memberships(self) -> None:
        for name, row in self.bar(_read("memberships.*.csv"), "memberships"):
            where = f"{name} {row['organisation']}→{row['group']}"
            organisation = self.organisation(row["organisation"], where)
            group = self.organisation(row["group"], where)
            source = {
                "source": self.source(row.get("source", ""), where),
                "source_page": row.get("source_page", ""),
                "source_url": row.get("source_url", ""),
            }
            existing = Membership.objects.filter(
                organisation=organisation, group=group, role=row["role"]
            ).first()
            if existing is None:
                services.membership_add(
                    actor=ACTOR,
                    organisation=organisation,
                    group=group,
                    role=row["role"],
                    note=row.get("note", ""),
                    **source,
                )
                self.stats["memberships created"] += 1
            elif (existing.note, existing.source, existing.source_page, existing.source_url) != (
                row.get("note", ""),
                source["source"],
                source["source_page"],
                source["source_url"],
            ):
                Membership.objects.filter(pk=existing.pk).update(note=row.get("note", ""), **source)

    def load_capacities(self) -> None:
        for name, row in self.bar(_read("capacities.*.csv"), "capacities"):
            where = f"{name} {row['organisation']}"
            organisation = self.organisation(row["organisation"], where)
            source = self.source(row.get("source", ""), where)
            quantity = (
                Decimal(row["quantity"].replace(".", "").replace(",", "."))
                if row["quantity"].count(".") > 1
                else Decimal(row["quantity"].replace(",", "."))
            )
            values = {
                "quantity": quantity,
                "unit": row.get("unit", ""),
                "note": row.get("note", ""),
                "source_page": row.get("source_page", ""),
            }
            existing = Capacity.objects.filter(
                organisation=organisation, item=row["item"], per_period=row["per_period"], source=source
            ).first()
            if existing is None:
                services.capacity_add(
                    actor=ACTOR,
                    organisation=organisation,
                    item=row["item"],
                    per_period=row["per_period"],
                    source=source,
                    **values,
                )
                self.stats["capacities created"] += 1
            elif any(getattr(existing, k) != v for k, v in values.items()):
                Capacity.objects.filter(pk=existing.pk).update(**values)

    def load_sites(self) -> None:
        municipalities = {m.code: m for m in Municipality.objects.all()}
        for name, row in self.bar(_read("cluster_offices.csv"), "offices"):
            where = f"{name} {row['cluster']}"
            organisation = self.organisation(row["cluster"], where)
            municipality = municipalities.get(row["municipality"]) if row["municipality"] else None
            if row["municipality"] and municipality is None:
                raise SeedError(f"{where}: unknown municipality {row['municipality']!r}")
            values = {
                "municipality": municipality,
                "is_headquarters": row.get("is_headquarters", "") == "yes",
                "note": row.get("note", ""),
                "source": self.source(row["source"], where),
                "source_page": row.get("source_page", ""),
                "source_url": row.get("source_url", ""),
            }
            site, created = OrganisationSite.objects.get_or_create(
                organisation=organisation, city=row["city"], defaults=values
            )
            if not created and any(getattr(site, k) != v for k, v in values.items()):
                OrganisationSite.objects.filter(pk=site.pk).update(**values)
            self.stats["offices"] += 1


def seed_registry(*, progress: bool = True) -> dict[str, int]:
    loader = _Loader(progress)
    with transaction.atomic():
        loader.load_sources()
        geography = loader.load_geography()
        loader.load_organisations(geography)
        loader.load_memberships()
        loader.load_capacities()
        loader.load_sites()
    loader.stats["organisations total"] = Organisation.objects.count()
    return dict(loader.stats)
