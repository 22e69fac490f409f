"""`videnbro import dcat FILE|URL`: the data map's importer for the registry's `import` command,
registered with `videnbro.registry.importers` in DatamapConfig.ready()."""

from __future__ import annotations

from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import Style
from django.db import transaction

from videnbro.core.audit import SystemActor

HELP = (
    "`import dcat FILE|URL` harvests a DCAT catalogue (Turtle, JSON-LD or RDF/XML) into the health "
    "data map: datasets are created or updated, never duplicated, and every skipped dataset is "
    "reported with the reason."
)
FORMATS = ("turtle", "json-ld", "xml")
FORMAT_HELP = "the RDF syntax (guessed from the name or content)."


def import_dcat(
    source: str,
    *,
    dry_run: bool,
    fmt: str | None,
    stdout: OutputWrapper,
    stderr: OutputWrapper,
    style: Style,
) -> None:
    # Function-level import: rdflib (heavy, about 0.6 s) loads when a DCAT import runs, not at start.
    from .dcat import DcatImportError, import_catalogue

    try:
        with transaction.atomic():
            report = import_catalogue(source, fmt=fmt, actor=SystemActor("cli-import"))
            if dry_run:
                transaction.set_rollback(True)
    except DcatImportError as exc:
        raise CommandError(str(exc)) from exc
    for subject, reason in report.skipped:
        stderr.write(f"skipped {subject}: {reason}")
    for note in report.notes:
        stderr.write(f"note {note}")
    for name in report.organisations_created:
        stdout.write(f"unverified organisation created: {name}")
    prefix = "Dry run, nothing written: " if dry_run else "Imported: "
    stdout.write(style.SUCCESS(prefix + report.summary()))
