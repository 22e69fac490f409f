"""`videnbro import organisations FILE` – CSV/XLSX import, all or nothing. Other apps add
importers through `videnbro.registry.importers` (e.g. `videnbro import dcat FILE|URL`, the
data map's DCAT harvest)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from videnbro.core.audit import SystemActor
from videnbro.core.errors import ApplicationError
from videnbro.registry.importers import BUILT_IN, importers
from videnbro.registry.imports import organisations_import


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # includes the registered importers
        text = (
            "Import organisations from CSV or XLSX (columns as in `videnbro export "
            "organisations`). Every bad row is reported; nothing is imported if any row is bad "
            "unless --skip-invalid."
        )
        return " ".join([text, *(importer.help for importer in importers().values() if importer.help)])

    def add_arguments(self, parser):
        registered = importers()
        parser.add_argument("what", choices=[*BUILT_IN, *registered])
        urls = "".join(f"; for {name} also an http(s) URL" for name, i in registered.items() if i.urls)
        parser.add_argument("file", help=f"A file{urls}.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the bad ones (organisations; dcat always does).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")
        formats = list(dict.fromkeys(f for importer in registered.values() for f in importer.formats))
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=formats or None,
            help="; ".join(f"{name}: {i.format_help}" for name, i in registered.items() if i.formats),
        )

    def handle(self, *args, what, file, skip_invalid, dry_run, fmt=None, **options):
        importer = importers().get(what)
        if importer is not None:
            return importer.handler(
                file, dry_run=dry_run, fmt=fmt, stdout=self.stdout, stderr=self.stderr, style=self.style
            )
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
