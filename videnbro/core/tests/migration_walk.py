"""Run in a subprocess against a throw-away copy of the seeded database (see deployment.py):
`python -m videnbro.core.tests.migration_walk` migrates every Videnbro app that has several
migrations back to the one before its latest and forward again, one app at a time, and prints
what it did as JSON (the steps, the row counts of every model before and after, and the
migrations still unapplied at the end – none)."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videnbro.config.settings.local")
django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django.db.migrations.operations import CreateModel  # noqa: E402


def videnbro_apps() -> list[str]:
    return [config.label for config in apps.get_app_configs() if config.name.startswith("videnbro.")]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in videnbro_apps() and model._meta.managed and not model._meta.proxy
    }


def steps() -> list[tuple[str, str, str]]:
    """(app, previous migration, latest migration) for each app with several migrations."""
    graph = MigrationLoader(connection).graph
    found = []
    for app in videnbro_apps():
        leaves = graph.leaf_nodes(app)
        if not leaves:  # an app without models
            continue
        if len(leaves) > 1:
            raise SystemExit(f"{app} has {len(leaves)} leaf migrations: {leaves}")
        leaf = leaves[0]
        parents = [parent for parent in graph.node_map[leaf].parents if parent[0] == app]
        if parents:
            found.append((app, parents[0][1], leaf[1]))
    return found


def unapplied() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def created_by(app: str, target: str) -> tuple[list[str], set[str]]:
    """The migrations that `migrate app target` unapplies (an app's dependents go back too) and
    the models whose tables they drop (their rows are expected to be gone afterwards)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan([(app, target)])
    dropped = {
        f"{migration.app_label}.{operation.name}".lower()
        for migration, backwards in plan
        if backwards
        for operation in migration.operations
        if isinstance(operation, CreateModel)
    }
    return [f"{m.app_label}.{m.name}" for m, _ in plan], dropped


def main() -> None:
    before = row_counts()
    done, dropped = [], set()
    for app, previous, latest in steps():
        reversed_, tables = created_by(app, previous)
        dropped |= tables
        call_command("migrate", app, previous, verbosity=0, interactive=False)
        call_command("migrate", verbosity=0, interactive=False)
        done.append(f"{app}: {latest} → {previous} → {latest} (reversed {', '.join(reversed_)})")
    json.dump(
        {
            "steps": done,
            "before": before,
            "after": row_counts(),
            "dropped": sorted(dropped),
            "unapplied": unapplied(),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
