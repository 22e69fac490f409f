"""`videnbro import organisations FILE` – CSV/XLSX import, all or nothing.
`videnbro import dcat FILE|URL` – harvest a DCAT(-AP) catalogue into the health data map."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from videnbro.core.audit import SystemActor
from videnbro.core.errors import ApplicationError
from videnbro.registry.imports import organisations_import


class Command(BaseCommand):
    help = (
        "Import organisations from CSV or XLSX (columns as in `videnbro export "
        "organisations`). Every bad row is reported; nothing is imported if any row is bad "
        "unless --skip-invalid. `import dcat FILE|URL` harvests a DCAT catalogue (Turtle, "
        "JSON-LD or RDF/XML) into the health data map: datasets are created or updated, "
        "never duplicated, and every skipped dataset is reported with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["organisations", "dcat"])
        parser.add_argument("file", help="A file; for dcat also an http(s) URL.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the bad ones (organisations; dcat always does).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["turtle", "json-ld", "xml"],
            help="dcat: the RDF syntax (guessed from the name or content).",
        )

    def handle(self, *args, what, file, skip_invalid, dry_run, fmt=None, **options):
        if what == "dcat":
            return self.handle_dcat(file, dry_run=dry_run, fmt=fmt)
        file = Path(file)
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            report = organisations_import(
                actor=SystemActor("cli-import"), path=file, skip_invalid=skip_invalid, dry_run=dry_run
            )
        except ApplicationError as exc:
            raise CommandError("; ".join(m for msgs in exc.errors.values() for m in msgs)) from exc
        for error in report.errors:
            self.stderr.write(str(error))
        summary = (
            f"created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, bad rows {len(report.errors)}"
        )
        if report.errors and not skip_invalid:
            raise CommandError(f"Nothing imported: {len(report.errors)} bad row(s) ({summary}).")
        prefix = "Dry run, nothing written: " if dry_run else "Imported: "
        self.stdout.write(self.style.SUCCESS(prefix + summary))

    def handle_dcat(self, source: str, *, dry_run: bool, fmt: str | None) -> None:
        from videnbro.datamap.dcat import DcatImportError, import_catalogue

        try:
            with transaction.atomic():
                report = import_catalogue(source, fmt=fmt, actor=SystemActor("cli-import"))
                if dry_run:
                    transaction.set_rollback(True)
        except DcatImportError as exc:
            raise CommandError(str(exc)) from exc
        for subject, reason in report.skipped:
            self.stderr.write(f"skipped {subject}: {reason}")
        for note in report.notes:
            self.stderr.write(f"note {note}")
        for name in report.organisations_created:
            self.stdout.write(f"unverified organisation created: {name}")
        prefix = "Dry run, nothing written: " if dry_run else "Imported: "
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
