"""`videnbro privacy export|erase|retention|docs` – one person's data across every app, and
the retention jobs (docs/privacy.md). Knows only core's registry of personal-data providers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from tqdm import tqdm

from videnbro.core import privacy
from videnbro.core.audit import SystemActor


class Command(BaseCommand):
    help = (
        "export EMAIL: everything about one e-mail address as JSON; erase EMAIL: anonymise "
        "it everywhere (counts and reports stay right); retention: clear what is past its "
        "retention period; docs: the providers as Markdown (docs/privacy.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Everything about one e-mail address, as JSON.")
        export.add_argument("email")
        export.add_argument(
            "-o", "--output", metavar="FILE", help="Write the JSON to FILE instead of standard output."
        )
        erase = sub.add_parser("erase", help="Anonymise one e-mail address everywhere.")
        erase.add_argument("email")
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        retention = sub.add_parser("retention", help="Apply the retention periods.")
        retention.add_argument("--dry-run", action="store_true", help="Only count what would be cleared.")
        docs = sub.add_parser("docs", help="The providers as Markdown.")
        docs.add_argument("--language", default="en", choices=["da", "en"])

    def _progress(self, desc: str) -> Callable[[Iterable[Any]], Iterable[Any]]:
        quiet = int(self.verbosity) < 1

        def wrap(items: Iterable[Any]) -> Iterable[Any]:
            return tqdm(items, desc=desc, unit="providers", disable=quiet, leave=False, file=sys.stderr)

        return wrap

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.verbosity = options.get("verbosity", 1)
        actor = SystemActor("cli")
        try:
            getattr(self, f"_{action}")(actor, options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None

    def _export(self, actor: SystemActor, options: dict[str, Any]) -> None:
        result = privacy.personal_data_export(
            actor=actor, email=options["email"], progress=self._progress("export")
        )
        text = json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            total = sum(len(p["records"]) for p in result["providers"].values())
            self.stderr.write(f"{total} record(s) written to {options['output']}.")
        else:
            self.stdout.write(text)

    def _erase(self, actor: SystemActor, options: dict[str, Any]) -> None:
        email = privacy.normalise_email(options["email"])
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Refusing to erase without --yes (no terminal to ask).")
            answer = input(f"Anonymise everything about {email}? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in {"y", "yes", "j", "ja"}:
                raise CommandError("Nothing erased.")
        counts = privacy.personal_data_erase(actor=actor, email=email, progress=self._progress("erase"))
        for key, count in counts.items():
            if count:
                self.stdout.write(f"{key}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Erased: {sum(counts.values())} record(s)."))

    def _retention(self, actor: SystemActor, options: dict[str, Any]) -> None:
        counts = privacy.retention_apply(
            actor=actor, dry_run=options["dry_run"], progress=self._progress("retention")
        )
        verb = "would clear" if options["dry_run"] else "cleared"
        for key, count in counts.items():
            self.stdout.write(f"{key}: {verb} {count}")
        self.stdout.write(self.style.SUCCESS(f"Total {verb}: {sum(counts.values())}."))

    def _docs(self, actor: SystemActor, options: dict[str, Any]) -> None:
        self.stdout.write(privacy.providers_markdown(options["language"]), ending="")
