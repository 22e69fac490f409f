"""A throw-away deployment for the backup and migration tests: the real `videnbro` command run
in subprocesses against a database of its own (a SQLite file in a temporary directory, or a
fresh database on the PostgreSQL server of DATABASE_URL) and its own VIDENBRO_VAR_DIR and
MEDIA_ROOT – never the in-memory test database, whose connection the backup API cannot share.

The seeded SQLite database (`migrate` + `videnbro seed`, about 40 s) is built once per test
process and copied for each test; under pytest-xdist every test module that uses it is marked
`xdist_group("seeded-deployment")`, so one worker builds it (`--dist loadgroup`). Each worker
has its own `tmp_path_factory` base directory."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

_TEMPLATE: dict[str, Path] = {}


@dataclass
class Deployment:
    root: Path
    database_url: str
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "MEDIA_ROOT"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="videnbro.config.settings.local",
            DATABASE_URL=self.database_url,
            VIDENBRO_VAR_DIR=str(self.root / "var"),
            MEDIA_ROOT=str(self.media),
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PYTHONWARNINGS="ignore",
        )
        self.env = env

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def sqlite_file(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    def run(self, *args: str, check: bool = True, timeout: int = 300) -> subprocess.CompletedProcess:
        """`videnbro ARGS…` against this deployment; stdin is closed, as in CI."""
        # noqa below: our own interpreter and command, arguments from the test itself.
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "videnbro", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"videnbro {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def python(self, module: str, *args: str, timeout: int = 300) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", module, *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"{module} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout


def sqlite_deployment(root: Path) -> Deployment:
    return Deployment(root, f"sqlite:///{root / 'videnbro.sqlite3'}")


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy (the backup API), WAL or not."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Deployment:
    """A deployment in `root` whose database is a copy of the session's migrated and seeded
    SQLite database."""
    if "db" not in _TEMPLATE:
        template = sqlite_deployment(tmp_path_factory.mktemp("seeded-template"))
        template.run("migrate", "--noinput", "-v0")
        template.run("seed", "--quiet-progress")
        _TEMPLATE["db"] = template.sqlite_file
    deployment = sqlite_deployment(root)
    copy_sqlite(_TEMPLATE["db"], deployment.sqlite_file)
    return deployment


def is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


class PostgresDatabase:
    """A fresh database on the server of DATABASE_URL, dropped afterwards."""

    def __init__(self) -> None:
        self.server_url = os.environ["DATABASE_URL"]
        self.name = f"videnbro_backup_{uuid.uuid4().hex[:10]}"
        parts = urlsplit(self.server_url)
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(sql)

    def __enter__(self) -> PostgresDatabase:
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
