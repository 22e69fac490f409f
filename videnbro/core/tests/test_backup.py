"""`videnbro backup` / `videnbro restore`: a round trip on a real database file (SQLite, and
PostgreSQL when DATABASE_URL is PostgreSQL) through the real commands in subprocesses, and the
refusals of a restore that must not happen (no --yes without a terminal, damaged archive,
another engine, a newer code base)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import tarfile
import threading
from pathlib import Path

import pytest

from videnbro.core.backup import sqlite_dump

from .deployment import Deployment, PostgresDatabase, is_postgres, seeded_sqlite

RECORDS = "videnbro.core.tests.backup_records"
# One pytest-xdist worker runs every test on the seeded deployment (it is built once per process).
pytestmark = pytest.mark.xdist_group("seeded-deployment")


def _state(deployment: Deployment, action: str = "state") -> dict:
    return json.loads(deployment.python(RECORDS, action))


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def _round_trip(deployment: Deployment, tmp_path: Path) -> None:
    before = _state(deployment, "create")
    assert before["documents"] and before["offers"] and before["requests"]
    assert before["organisations"] > 300  # the seeded registry
    document = before["documents"][0]
    assert document["sha256"] == document["recorded_sha256"]

    archive = tmp_path / "backups" / "videnbro.tar.gz"
    result = deployment.run("backup", "-o", str(archive))
    assert "Copying the" in result.stdout and "Wrote" in result.stdout  # progress output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # personal data: owner only
    manifest = _manifest(archive)
    assert manifest["format"] == "videnbro-backup" and manifest["format_version"] == 1
    assert "broker.0001_initial" in manifest["migrations"]
    assert [f["path"] for f in manifest["media"]["files"]] == [document["name"]]

    after_damage = _state(deployment, "damage")
    assert not after_damage["offers"] and not after_damage["documents"]
    assert after_damage["renamed"] != before["renamed"]

    # CI has no terminal: without --yes nothing is touched.
    refused = deployment.run("restore", str(archive), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert _state(deployment) == after_damage

    restored = deployment.run("restore", str(archive), "--yes")
    assert "Restored" in restored.stdout
    assert _state(deployment) == before  # rows, renamed organisation, document bytes, no stray


@pytest.mark.skipif(is_postgres(), reason="a SQLite-file test: the SQLite pass of CI runs it")
def test_it_backup_restore_round_trip_sqlite(tmp_path_factory, tmp_path):
    deployment = seeded_sqlite(tmp_path_factory, tmp_path / "site")
    _round_trip(deployment, tmp_path)


@pytest.mark.skipif(not is_postgres(), reason="DATABASE_URL is not PostgreSQL")
def test_it_backup_restore_round_trip_postgres(tmp_path):
    with PostgresDatabase() as database:
        deployment = Deployment(tmp_path / "site", database.url)
        deployment.run("migrate", "--noinput", "-v0")
        _round_trip(deployment, tmp_path)
        assert _manifest(next((tmp_path / "backups").iterdir()))["database"]["engine"] == "postgresql"


# ---------------------------------------------------------------------------------------------
# Refusals: checked before anything is touched


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """A copy of the seeded SQLite deployment with one document file, and its backup."""
    root = tmp_path_factory.mktemp("small-site")
    deployment = seeded_sqlite(tmp_path_factory, root / "site")
    (deployment.media / "broker" / "R-1").mkdir(parents=True)
    (deployment.media / "broker" / "R-1" / "protokol.pdf").write_bytes(b"%PDF-1.4 original")
    archive = root / "backup.tar.gz"
    deployment.run("backup", "-o", str(archive))
    return deployment, archive


def _rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(name, bytes) -> bytes | None` applied to members."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def _refused(deployment: Deployment, archive: Path, message: str) -> None:
    document = deployment.media / "broker" / "R-1" / "protokol.pdf"
    result = deployment.run("restore", str(archive), "--yes", check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert document.read_bytes() == b"%PDF-1.4 original"  # nothing touched
    assert not any(p.name.startswith(".videnbro-restore-") for p in deployment.root.iterdir())


def test_it_restore_refuses_a_damaged_archive(small_site, tmp_path):
    deployment, archive = small_site

    def flip(name: str, data: bytes) -> bytes:
        return data.replace(b"original", b"tampered") if name.startswith("media/") else data

    _refused(deployment, _rewrite(archive, tmp_path / "damaged.tar.gz", flip), "is damaged")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:2000])
    _refused(deployment, truncated, "not a readable Videnbro backup")


def test_it_restore_refuses_files_the_manifest_does_not_list(small_site, tmp_path):
    deployment, archive = small_site

    def drop_manifest_entry(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["media"]["files"] = []
        return json.dumps(manifest).encode()

    _refused(deployment, _rewrite(archive, tmp_path / "extra.tar.gz", drop_manifest_entry), "does not list")


def test_it_restore_refuses_another_database_engine(small_site, tmp_path):
    deployment, archive = small_site

    def to_postgres(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["engine"] = "postgresql"
        return json.dumps(manifest).encode()

    _refused(
        deployment,
        _rewrite(archive, tmp_path / "pg.tar.gz", to_postgres),
        "holds a PostgreSQL database, but this deployment uses SQLite",
    )


def test_it_restore_refuses_a_backup_from_newer_code(small_site, tmp_path):
    deployment, archive = small_site

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append("broker.9999_from_the_future")
        return json.dumps(manifest).encode()

    _refused(deployment, _rewrite(archive, tmp_path / "newer.tar.gz", newer), "broker.9999_from_the_future")


def test_it_backup_archive_holds_manifest_checksums(small_site):
    deployment, archive = small_site
    manifest = _manifest(archive)
    assert manifest["database"]["engine"] == "sqlite"
    assert manifest["media"]["files"][0]["path"] == "broker/R-1/protokol.pdf"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert names == {"manifest.json", "database.sqlite3", "media/broker/R-1/protokol.pdf"}
    assert os.stat(archive).st_size > 0


def test_it_sqlite_backup_of_a_live_wal_database_is_one_committed_state(tmp_path):
    """A writer commits pairs of rows while the database is copied again and again: every copy
    passes SQLite's check and holds whole transactions only (an even number of rows)."""
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE pair (id INTEGER PRIMARY KEY, payload TEXT)")
    setup.close()
    stop = threading.Event()

    def write() -> None:
        writer = sqlite3.connect(live, timeout=20)
        while not stop.is_set():
            with writer:
                writer.executemany("INSERT INTO pair (payload) VALUES (?)", [("x" * 2000,)] * 2)
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        counts = []
        for number in range(5):
            copy = tmp_path / f"copy{number}.sqlite3"
            sqlite_dump(copy, lambda message: None, source_path=live)
            check = sqlite3.connect(copy)
            assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts.append(check.execute("SELECT COUNT(*) FROM pair").fetchone()[0])
            check.close()
    finally:
        stop.set()
        thread.join()
    assert all(count % 2 == 0 for count in counts), counts
    assert counts[-1] > 0
