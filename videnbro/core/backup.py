"""Backup and restore of a deployment: the database and the uploaded documents under MEDIA_ROOT.

One archive (`.tar.gz`) holds

- `manifest.json`: format and version, database engine, the applied Django migrations, when it
  was made, and the size and SHA-256 of every other member;
- `database.sqlite3` (SQLite, copied with the online backup API, so a live WAL database is
  copied consistently) or `database.pgdump` (`pg_dump --format=custom`);
- `media/…`: every file under MEDIA_ROOT (the access requests' documents).

A restore verifies the whole archive (members, sizes, checksums, engine, migrations) before it
touches anything; the database is then replaced in one step (SQLite backup API into the live
file; `pg_restore --single-transaction`), and MEDIA_ROOT is swapped for the archive's copy.
Used by `videnbro backup` and `videnbro restore`; see docs/decisions/0013.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # pg_dump/pg_restore, with an argument list and never a shell
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import connections

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

FORMAT = "videnbro-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_PREFIX = "media/"
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _quiet(message: str) -> None:
    pass


# ---------------------------------------------------------------------------------------------
# Helpers


def engine_of(alias: str = "default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine not in ENGINES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")
    return ENGINES[engine]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def applied_migrations(alias: str = "default") -> list[str]:
    """The applied migrations as sorted 'app.name' strings."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def known_migrations() -> set[tuple[str, str]]:
    """The migrations this code base has on disk."""
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def default_output() -> Path:
    var_dir = Path(getattr(settings, "VAR_DIR", "var"))
    return var_dir / "backups" / f"videnbro-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"


# ---------------------------------------------------------------------------------------------
# SQLite


def _sqlite_path(alias: str = "default") -> Path:
    name = str(settings.DATABASES[alias]["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"The SQLite database {name!r} is not a file; nothing to back up.")
    return Path(name)


def _sqlite_copy(
    source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress, step: int
) -> None:
    shown = {-1}

    def report(status: int, remaining: int, total: int) -> None:
        percent = int(100 * (total - remaining) / total) // 10 * 10 if total else 100
        if percent not in shown:
            shown.add(percent)
            progress(f"  {percent} % of {total} pages")

    source.backup(target, pages=step, progress=report)


def sqlite_dump(
    target: Path, progress: Progress, alias: str = "default", source_path: Path | None = None
) -> None:
    """A consistent copy of the live database with SQLite's online backup API, in one step: one
    read transaction, so the copy is one committed state, and in WAL mode the site's writers go
    on meanwhile. (Copying in several steps would start over after every commit of another
    connection – on a busy site possibly for ever.)"""
    path = source_path or _sqlite_path(alias)
    if not path.exists():
        raise BackupError(f"The SQLite database {path} does not exist.")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=20)
    copy = sqlite3.connect(target)
    try:
        _sqlite_copy(source, copy, progress, step=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copy of the database failed SQLite's check: {check}")
    finally:
        copy.close()
        source.close()


def sqlite_restore(source_file: Path, progress: Progress, alias: str = "default") -> None:
    """Copy the archive's database into the live database file in one step of the backup API:
    readers see either the old or the restored database, never a mix."""
    path = _sqlite_path(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{source_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The archive's database failed SQLite's check: {check}")
        target = sqlite3.connect(path, timeout=60)
        try:
            _sqlite_copy(source, target, progress, step=-1)
        finally:
            target.close()
    finally:
        source.close()


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _pg_major(version_output: str) -> int:
    """12 from 'pg_dump (PostgreSQL) 12.4 (Debian …)', 15 from '… 15.4', 16 from '… 16beta1'."""
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version_output) or re.search(r"(\d+)", version_output)
    if not match:
        raise BackupError(f"Cannot read the version of {version_output!r}.")
    return int(match.group(1))


def _tool_version(binary: str) -> int:
    # noqa S603: a PostgreSQL client binary found by pg_tool(), an argument list, no shell.
    result = subprocess.run(  # noqa: S603
        [binary, "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return _pg_major(result.stdout)


def pg_tool(name: str, at_least: int) -> tuple[str, int]:
    """The `pg_dump`/`pg_restore` binary to use: PG_BIN_DIR if set, else the newest of Debian's
    /usr/lib/postgresql/*/bin, else the one on PATH; its major version must be at least the
    server's (an older pg_dump refuses a newer server, an older pg_restore a newer archive)."""
    candidates: list[str] = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(str(Path(os.environ["PG_BIN_DIR"]) / name))
    else:
        debian = sorted(
            Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
            key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
            reverse=True,
        )
        candidates += [str(p) for p in debian]
        if on_path := shutil.which(name):
            candidates.append(on_path)
    found = []
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            version = _tool_version(candidate)
            found.append(f"{candidate} ({version})")
            if version >= at_least:
                return candidate, version
    where = ", ".join(found) or "none found (set PG_BIN_DIR or install postgresql-client)"
    raise BackupError(f"{name} {at_least} or newer is needed; candidates: {where}.")


def _pg_connection(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """Command-line connection options and environment; the password goes in PGPASSWORD,
    never on the command line (where every user of the machine could read it)."""
    db = settings.DATABASES[alias]
    args = ["--no-password"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for key, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(key):
            env[variable] = str(options[key])
    return args, env


def _pg_server_major(alias: str = "default") -> int:
    connection = cast("PostgreSQLWrapper", connections[alias])  # only called for PostgreSQL
    connection.ensure_connection()
    return connection.pg_version // 10000


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    # noqa S603: pg_dump/pg_restore from pg_tool() with options built from settings; an argument
    # list (no shell), the password in the environment only.
    result = subprocess.run(  # noqa: S603
        command,
        env=env,
        capture_output=True,
        text=True,  # noqa: S603
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def pg_dump(target: Path, progress: Progress, alias: str = "default") -> dict[str, Any]:
    server = _pg_server_major(alias)
    binary, version = pg_tool("pg_dump", server)
    progress(f"  {binary} (PostgreSQL {version}; server {server})")
    args, env = _pg_connection(alias)
    name = settings.DATABASES[alias]["NAME"]
    _run([binary, "--format=custom", f"--file={target}", *args, f"--dbname={name}"], env, "pg_dump")
    return {"server_major": server, "pg_dump_major": version}


def pg_restore(source_file: Path, dumped_with: int, progress: Progress, alias: str = "default") -> None:
    server = _pg_server_major(alias)
    binary, version = pg_tool("pg_restore", max(server, dumped_with))
    progress(f"  {binary} (PostgreSQL {version}; server {server})")
    args, env = _pg_connection(alias)
    name = settings.DATABASES[alias]["NAME"]
    connections[alias].close()
    _run(
        [
            binary,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            f"--dbname={name}",
            str(source_file),
        ],
        env,
        "pg_restore",
    )


# ---------------------------------------------------------------------------------------------
# Backup


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    files = []
    for directory, subdirs, names in os.walk(root):
        subdirs.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                files.append(path)
    return files


def _add_file(archive: tarfile.TarFile, path: Path, arcname: str) -> None:
    info = archive.gettarinfo(str(path), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with open(path, "rb") as handle:
        archive.addfile(info, handle)


def backup_create(output: Path, *, progress: Progress = _quiet, alias: str = "default") -> dict[str, Any]:
    """Write the archive to `output` (atomically: a temporary file renamed at the end, readable
    by the owner only – it holds personal data) and return its manifest."""
    engine = engine_of(alias)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "django_version": __import__("django").get_version(),
    }
    with tempfile.TemporaryDirectory(prefix=".videnbro-backup-", dir=output.parent) as work:
        dump = Path(work) / DATABASE_MEMBER[engine]
        progress(f"Copying the {ENGINE_NAMES[engine]} database …")
        database: dict[str, Any] = {"engine": engine, "member": dump.name}
        if engine == "sqlite":
            sqlite_dump(dump, progress, alias)
        else:
            database.update(pg_dump(dump, progress, alias))
        database.update(size=dump.stat().st_size, sha256=sha256_of(dump))
        manifest["database"] = database
        manifest["migrations"] = applied_migrations(alias)
        progress(f"  {human_size(database['size'])}, {len(manifest['migrations'])} migrations applied")

        root = media_root()
        files = _media_files(root)
        progress(f"Adding {len(files)} files from {root} …")
        temporary = Path(work) / "archive.tar.gz"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive:
            _add_file(archive, dump, dump.name)
            media = []
            for number, path in enumerate(files, 1):
                relative = path.relative_to(root).as_posix()
                media.append({"path": relative, "size": path.stat().st_size, "sha256": sha256_of(path)})
                _add_file(archive, path, MEDIA_PREFIX + relative)
                if number % 100 == 0:
                    progress(f"  {number} of {len(files)} files")
            manifest["media"] = {
                "files": media,
                "count": len(media),
                "size": sum(item["size"] for item in media),
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            info.mtime = int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
        os.replace(temporary, output)
    progress(f"Wrote {output} ({human_size(output.stat().st_size)}; sha256 {sha256_of(output)})")
    return manifest


# ---------------------------------------------------------------------------------------------
# Restore


@dataclass
class VerifiedBackup:
    manifest: dict[str, Any]
    directory: Path  # the unpacked, verified archive

    @property
    def database_file(self) -> Path:
        return self.directory / self.manifest["database"]["member"]

    @property
    def media_dir(self) -> Path:
        return self.directory / MEDIA_PREFIX.rstrip("/")


def _member_names(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    expected = {manifest["database"]["member"]: manifest["database"]}
    for item in manifest["media"]["files"]:
        path = item["path"]
        if path.startswith("/") or ".." in Path(path).parts:
            raise BackupError(f"The manifest names an unsafe path: {path!r}.")
        expected[MEDIA_PREFIX + path] = item
    return expected


def backup_verify(
    archive_path: Path, directory: Path, *, alias: str = "default", progress: Progress = _quiet
) -> VerifiedBackup:
    """Unpack the archive into `directory` and check everything a restore relies on; raises
    BackupError with a clear message otherwise. Touches neither the database nor MEDIA_ROOT."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"No backup file at {archive_path}.")
    progress(f"Checking {archive_path} …")
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"The archive holds a link or device: {member.name!r}.")
            # The "data" filter refuses absolute paths, '..' and links out of the directory.
            archive.extractall(directory, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"{archive_path} is not a readable Videnbro backup: {exc}") from exc
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive_path} has no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path} is not a Videnbro backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The backup has format version {manifest.get('format_version')}; "
            f"this Videnbro reads version {FORMAT_VERSION}."
        )
    engine = engine_of(alias)
    theirs = manifest["database"]["engine"]
    if theirs != engine:
        raise BackupError(
            f"This backup holds a {ENGINE_NAMES.get(theirs, theirs)} database, but this "
            f"deployment uses {ENGINE_NAMES[engine]} (DATABASE_URL). Restore it into a "
            f"deployment with the same database engine; to move between engines use "
            f"`videnbro dumpdata`/`loaddata`."
        )
    expected = _member_names(manifest)
    present = {m.name for m in members if m.isfile()} - {MANIFEST}
    if unexpected := sorted(present - set(expected)):
        raise BackupError(f"The archive holds files its manifest does not list: {', '.join(unexpected[:5])}.")
    if missing := sorted(set(expected) - present):
        raise BackupError(f"The archive lacks files its manifest lists: {', '.join(missing[:5])}.")
    progress(f"Verifying the checksums of {len(expected)} files …")
    for name, item in expected.items():
        path = directory / name
        if path.stat().st_size != item["size"] or sha256_of(path) != item["sha256"]:
            raise BackupError(
                f"{name} in the archive is damaged (size or SHA-256 differs from "
                f"the manifest); the backup cannot be trusted."
            )
    known = {f"{app}.{name}" for app, name in known_migrations()}
    if newer := sorted(set(manifest["migrations"]) - known):
        listed = ", ".join(newer[:5])
        raise BackupError(
            f"The backup was made by a newer Videnbro: its database has "
            f"migrations this code does not know ({listed}). Install that "
            f"version first, then restore."
        )
    return VerifiedBackup(manifest, directory)


def _replace_media(source: Path, work: Path, progress: Progress) -> None:
    root = media_root()
    if not source.exists():
        source.mkdir()
    root.parent.mkdir(parents=True, exist_ok=True)
    old = work / "media-before-restore"
    try:
        if root.exists():
            os.replace(root, old)
        os.replace(source, root)
    except OSError:
        # MEDIA_ROOT on another file system or a mount point: replace its contents instead.
        root.mkdir(parents=True, exist_ok=True)
        for child in list(root.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        for child in source.iterdir():
            shutil.move(str(child), root / child.name)
    progress(f"Replaced the files under {root}")


def backup_restore(
    verified: VerifiedBackup, work: Path, *, progress: Progress = _quiet, alias: str = "default"
) -> None:
    """Replace the database and MEDIA_ROOT with the verified archive's content."""
    manifest = verified.manifest
    connections.close_all()
    progress(f"Restoring the {ENGINE_NAMES[manifest['database']['engine']]} database …")
    if manifest["database"]["engine"] == "sqlite":
        sqlite_restore(verified.database_file, progress, alias)
    else:
        pg_restore(verified.database_file, int(manifest["database"].get("pg_dump_major", 0)), progress, alias)
    connections.close_all()
    progress(f"Restoring {manifest['media']['count']} files ({human_size(manifest['media']['size'])}) …")
    _replace_media(verified.media_dir, work, progress)


def pending_migrations(alias: str = "default") -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
