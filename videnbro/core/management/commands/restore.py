"""`videnbro restore FILE [--yes]` – replace the database and MEDIA_ROOT with a backup.

The archive is verified completely (manifest, checksums, database engine, migrations) before
anything is touched. Stop the app servers and workers first (docs/decisions/0013); without a
terminal to ask on, `--yes` is required.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from videnbro.core.audit import SystemActor, audit_log
from videnbro.core.backup import (
    ENGINE_NAMES,
    BackupError,
    backup_restore,
    backup_verify,
    human_size,
    media_root,
    pending_migrations,
)


class Command(BaseCommand):
    # Works on a deployment whose URLs or settings fail a system check: backups matter most then.
    requires_system_checks: list[str] = []
    help = (
        "Restore a backup made by `videnbro backup`: replaces the whole database and the "
        "files under MEDIA_ROOT. Stop the app servers and workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .tar.gz written by `videnbro backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (required without a terminal)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 0
        progress = self.stdout.write if verbose else (lambda message: None)
        archive = options["file"]
        root = media_root()
        root.parent.mkdir(parents=True, exist_ok=True)
        # Unpacked next to MEDIA_ROOT, so the verified files move into place by renaming.
        with tempfile.TemporaryDirectory(prefix=".videnbro-restore-", dir=root.parent) as work_name:
            work = Path(work_name)
            try:
                verified = backup_verify(archive, work / "archive", progress=progress)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
            manifest = verified.manifest
            database = settings.DATABASES["default"]
            target = f"{ENGINE_NAMES[manifest['database']['engine']]} database {database.get('NAME')}" + (
                f" on {database['HOST']}" if database.get("HOST") else ""
            )
            self.stdout.write(
                f"The backup of {manifest['created_at']} is intact: "
                f"{human_size(manifest['database']['size'])} database, "
                f"{manifest['media']['count']} files ({human_size(manifest['media']['size'])})."
            )
            if not options["yes"]:
                self._confirm(target, root)
            try:
                backup_restore(verified, work, progress=progress)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        try:
            audit_log(
                actor=SystemActor("videnbro restore"),
                action="core.backup.restored",
                data={"file": str(archive), "created_at": manifest["created_at"]},
            )
        except DatabaseError:  # a backup from before the audit table's current shape
            self.stderr.write("(No audit row: run `videnbro migrate` first.)")
        pending = pending_migrations()
        self.stdout.write(self.style.SUCCESS(f"Restored {target} and {root}."))
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup is {pending} migrations behind this code: run `videnbro migrate` "
                    f"before starting the site."
                )
            )

    def _confirm(self, target: str, root: Path) -> None:
        question = (
            f"This REPLACES the {target} and every file under {root} with the backup. "
            f"Data written since the backup is lost."
        )
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError(f"{question} No terminal to ask on: run again with --yes to confirm.")
        answer = input(f"{question}\nType 'yes' to continue: ")
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
