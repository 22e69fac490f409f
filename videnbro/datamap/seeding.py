"""Seed the health data map from seed_data/*.csv (real sources, each row with its source URL);
running twice changes nothing."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from tqdm import tqdm

from videnbro.core.audit import SystemActor
from videnbro.core.tabular import read_seed_csv, split_cell
from videnbro.core.text import normalise_name
from videnbro.registry.models import Organisation
from videnbro.registry.services import organisation_create

from .models import AccessRoute, Dataset, Sandbox
from .services import (
    access_route_create,
    access_route_update,
    dataset_create,
    dataset_update,
    dataset_variables_set,
    sandbox_create,
    sandbox_update,
)

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
ACTOR = SystemActor("seed")


class SeedError(Exception):
    pass


def _int(value: str) -> int | None:
    value = (value or "").replace(".", "").replace(" ", "").strip()
    return int(value) if value.isdigit() else None


def _organisation(key: str, where: str) -> Organisation:
    organisation = Organisation.objects.filter(key=key).first()
    if organisation is None:
        raise SeedError(f"{where}: unknown organisation {key!r}")
    return organisation


def _publisher(name: str) -> Organisation | None:
    """The publisher by its name, its name without a trailing "(ACRONYM)", or an alias;
    None (left empty, never guessed) when nothing matches exactly."""
    if not name:
        return None
    for candidate in dict.fromkeys([name, re.sub(r"\s*\([^)]*\)$", "", name)]):
        found = (
            Organisation.objects.filter(name=candidate).first()
            or Organisation.objects.filter(aliases__normalised_name=normalise_name(candidate)).first()
        )
        if found:
            return found
    return None


def _count(stats: Counter[str], label: str, created: bool, changed: list[str]) -> None:
    if created:
        stats[f"{label} created"] += 1
    elif changed:
        stats[f"{label} updated"] += 1


def _seed_access_route(key: str, values: dict[str, Any], stats: Counter[str]) -> AccessRoute:
    route = AccessRoute.objects.filter(key=key).first()
    if route is None:
        route = access_route_create(actor=ACTOR, key=key, source="access_routes.csv", **values)
        _count(stats, "access routes", True, [])
    else:
        changed = access_route_update(actor=ACTOR, route=route, source="access_routes.csv", **values)
        _count(stats, "access routes", False, changed)
    return route


def _seed_dataset(key: str, values: dict[str, Any], stats: Counter[str]) -> None:
    dataset = Dataset.objects.filter(key=key).first()
    if dataset is None:
        dataset_create(actor=ACTOR, key=key, source="datasets.csv", **values)
        _count(stats, "datasets", True, [])
    else:
        changed = dataset_update(actor=ACTOR, dataset=dataset, source="datasets.csv", **values)
        _count(stats, "datasets", False, changed)


def _seed_sandbox(key: str, values: dict[str, Any], datasets: list[Dataset], stats: Counter[str]) -> None:
    sandbox = Sandbox.objects.filter(key=key).first()
    if sandbox is None:
        sandbox_create(actor=ACTOR, key=key, datasets=datasets, source="sandboxes.csv", **values)
        _count(stats, "sandboxes", True, [])
    else:
        changed = sandbox_update(
            actor=ACTOR, sandbox=sandbox, datasets=datasets, source="sandboxes.csv", **values
        )
        _count(stats, "sandboxes", False, [c for c in changed if c != "datasets"])


def seed_datamap(*, progress: bool = True) -> dict[str, int]:
    stats: Counter[str] = Counter()
    with transaction.atomic():
        for row in read_seed_csv(SEED_DIR / "organisations.csv"):
            if not Organisation.objects.filter(key=row["key"]).exists():
                organisation_create(
                    actor=ACTOR,
                    key=row["key"],
                    name=row["name"],
                    name_en=row["name_en"],
                    kind=row["kind"],
                    website=row["website"],
                    source_url=row["source_url"],
                )
                stats["organisations created"] += 1
        routes = {}
        for row in read_seed_csv(SEED_DIR / "access_routes.csv"):
            routes[row["key"]] = _seed_access_route(
                row["key"],
                {
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "organisation": _organisation(row["organisation_key"], "access_routes.csv")
                    if row["organisation_key"]
                    else None,
                    "url": row["url"],
                    "steps": split_cell(row["steps"]),
                    "steps_en": split_cell(row["steps_en"]),
                    "typical_processing_time": row["typical_processing_time"],
                    "fee": row["fee"],
                    "source_url": row["source_url"],
                },
                stats,
            )
        rows = read_seed_csv(SEED_DIR / "datasets.csv")
        for row in tqdm(rows, desc="datasets", disable=not progress, leave=False):
            if row["access_route"] and row["access_route"] not in routes:
                raise SeedError(f"datasets.csv {row['key']}: unknown access route")
            _seed_dataset(
                row["key"],
                {
                    "title": row["title"],
                    "title_en": row["title_en"],
                    "acronym": row["acronym"],
                    "description": row["description"],
                    "description_en": row["description_en"],
                    "custodian": _organisation(row["custodian_key"], f"datasets.csv {row['key']}"),
                    "publisher": _publisher(row["publisher_name"]),
                    "themes": split_cell(row["themes"]),
                    "keywords": split_cell(row["keywords"]),
                    "population_coverage": row["population_coverage"],
                    "time_coverage_from": _int(row["time_coverage_from"]),
                    "update_frequency": row["update_frequency"],
                    "number_of_records": _int(row["number_of_records"]),
                    "unique_individuals": _int(row["unique_individuals"]),
                    "coding_systems": split_cell(row["coding_systems"]),
                    "legal_basis": row["legal_basis"],
                    "personal_data": row["personal_data"] != "no",
                    "access_route": routes.get(row["access_route"]),
                    "landing_page": row["landing_page"],
                    "source_url": row["source_url"],
                    "source_note": row["source_note"],
                },
                stats,
            )
        datasets = {d.key: d for d in Dataset.objects.all()}
        # By dataset, in the file's order; a repeated name takes the later row's values.
        variables: dict[str, dict[str, dict[str, str]]] = {}
        for row in read_seed_csv(SEED_DIR / "variables.csv"):
            if row["dataset_key"] not in datasets:
                raise SeedError(f"variables.csv: unknown dataset {row['dataset_key']!r}")
            variables.setdefault(row["dataset_key"], {})[row["name"]] = {
                "name": row["name"],
                "label": row["label"],
                "label_en": row["label_en"],
                "type": row["type"],
                "coding_system": row["coding_system"],
                "source_url": row["source_url"],
            }
        for key, by_name in variables.items():
            changes = dataset_variables_set(
                actor=ACTOR,
                dataset=datasets[key],
                variables=list(by_name.values()),
                remove_others=False,
                source="variables.csv",
            )
            if changes.added:
                stats["variables created"] += len(changes.added)
            stats["variables"] += len(changes.changed) + len(changes.unchanged)
        for row in read_seed_csv(SEED_DIR / "sandboxes.csv"):
            _seed_sandbox(
                row["key"],
                {
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "operator": _organisation(row["operator_key"], f"sandboxes.csv {row['key']}"),
                    "description": row["description"],
                    "description_en": row["description_en"],
                    "data": row["data"],
                    "eligible_users": row["eligible_users"],
                    "cost_model": row["cost_model"],
                    "access": row["access"],
                    "url": row["url"],
                    "source_url": row["source_url"],
                },
                [datasets[k] for k in split_cell(row["dataset_keys"]) if k in datasets],
                stats,
            )
    stats["datasets total"] = Dataset.objects.count()
    return dict(stats)
