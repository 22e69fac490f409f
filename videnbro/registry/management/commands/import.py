"""`videnbro import organisations FILE` – CSV/XLSX import, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from videnbro.core.audit import SystemActor
from videnbro.core.errors import ApplicationError
from videnbro.registry.imports import organisations_import


class Command(BaseCommand):
    help = ("Import organisations from CSV or XLSX (columns as in `videnbro export "
            "organisations`). Every bad row is reported; nothing is imported if any row is bad "
            "unless --skip-invalid.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["organisations"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Import the valid rows and report the bad ones.")
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")

    def handle(self, *args, what, file, skip_invalid, dry_run, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            report = organisations_import(actor=SystemActor("cli-import"), path=file,
                                          skip_invalid=skip_invalid, dry_run=dry_run)
        except ApplicationError as exc:
            raise CommandError("; ".join(m for msgs in exc.errors.values() for m in msgs)) \
                from exc
        for error in report.errors:
            self.stderr.write(str(error))
        summary = (f"created {report.created}, updated {report.updated}, "
                   f"unchanged {report.unchanged}, bad rows {len(report.errors)}")
        if report.errors and not skip_invalid:
            raise CommandError(f"Nothing imported: {len(report.errors)} bad row(s) ({summary}).")
        prefix = "Dry run, nothing written: " if dry_run else "Imported: "
        self.stdout.write(self.style.SUCCESS(prefix + summary))
