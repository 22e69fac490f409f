"""The migrations on a copy of the seeded database: a backup restored into a fresh file
is at the latest state with models and migrations in agreement, and every app's latest
migration reverses and re-applies on real (seeded) data. Runs with whatever migrations exist."""

from __future__ import annotations

import json

import pytest

from .deployment import is_postgres, seeded_sqlite, sqlite_deployment

# SQLite files in subprocesses, independent of DATABASE_URL: the SQLite pass of CI runs them.
# One pytest-xdist worker runs every test on the seeded deployment (it is built once per process).
pytestmark = [
    pytest.mark.skipif(is_postgres(), reason="SQLite-file tests: the SQLite pass runs them"),
    pytest.mark.xdist_group("seeded-deployment"),
]


def test_it_restored_seeded_backup_is_current_and_models_match_migrations(tmp_path_factory, tmp_path):
    seeded = seeded_sqlite(tmp_path_factory, tmp_path / "seeded")
    archive = tmp_path / "seeded.tar.gz"
    seeded.run("backup", "-o", str(archive), "-v0")

    fresh = sqlite_deployment(tmp_path / "fresh")
    assert not fresh.sqlite_file.exists()
    restored = fresh.run("restore", str(archive), "--yes")
    assert "migrations behind" not in restored.stdout
    assert fresh.sqlite_file.stat().st_size > 1_000_000

    # Exit 1 if a migration is unapplied, or if a model change has no migration.
    fresh.run("migrate", "--check", "--noinput")
    fresh.run("makemigrations", "--check", "--dry-run", "--noinput")


def test_it_latest_migrations_reverse_and_reapply_on_seeded_data(tmp_path_factory, tmp_path):
    seeded = seeded_sqlite(tmp_path_factory, tmp_path / "seeded")
    walk = json.loads(seeded.python("videnbro.core.tests.migration_walk", timeout=600))
    assert walk["steps"], "no app with more than one migration"
    assert walk["unapplied"] == []
    # Seeded rows survive a step back and forth, except in tables a reversed migration
    # dropped (a model the latest migration of its app – or of an app it depends on – created).
    assert walk["after"]["registry.Organisation"] == walk["before"]["registry.Organisation"] > 300
    lost = {
        label: (count, walk["after"].get(label))
        for label, count in walk["before"].items()
        if walk["after"].get(label) != count and label.lower() not in walk["dropped"]
    }
    assert not lost, lost
