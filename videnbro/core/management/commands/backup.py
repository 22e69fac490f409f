"""`videnbro backup [-o FILE]` – one .tar.gz with the database and the uploaded documents.

SQLite is copied with the online backup API (safe while the server runs), PostgreSQL with
`pg_dump --format=custom`; the files under MEDIA_ROOT go beside it, and a manifest records the
engine, the migrations and the SHA-256 of every part. See docs/decisions/0013.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from videnbro.core.audit import SystemActor, audit_log
from videnbro.core.backup import BackupError, backup_create, default_output


class Command(BaseCommand):
    # Works on a deployment whose URLs or settings fail a system check: backups matter most then.
    requires_system_checks: list[str] = []
    help = (
        "Back up the database and the uploaded documents (MEDIA_ROOT) into one .tar.gz "
        "(default: var/backups/videnbro-<UTC time>.tar.gz). Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, help="The archive to write (replaced if it exists).")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or default_output()
        verbose = options["verbosity"] > 0
        try:
            manifest = backup_create(
                output, progress=self.stdout.write if verbose else (lambda message: None)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit_log(
            actor=SystemActor("videnbro backup"),
            action="core.backup.created",
            data={
                "file": str(output),
                "engine": manifest["database"]["engine"],
                "documents": manifest["media"]["count"],
            },
        )
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backup complete: {manifest['database']['engine']} database, "
                    f"{manifest['media']['count']} files. Keep it somewhere safe – it holds "
                    f"personal data."
                )
            )
