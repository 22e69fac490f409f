"""`videnbro export organisations --format csv|xlsx|json` – the registry in the import format."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from videnbro.registry.exports import FORMATS, export_organisations
from videnbro.registry.models import Organisation
from videnbro.registry.selectors import public_organisations


class Command(BaseCommand):
    help = "Export organisations as CSV, XLSX or JSON (to stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["organisations"])
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument("-o", "--output", type=Path)
        parser.add_argument(
            "--include-unverified",
            action="store_true",
            help="Also organisations created from offers or imports that staff "
            "have not verified (left out by default: they are not public).",
        )

    def handle(self, *args, what, format, output, include_unverified=False, **options):  # noqa: A002
        queryset = (Organisation.objects.all() if include_unverified else public_organisations()).order_by(
            "name"
        )
        content, _type = export_organisations(queryset, format)
        if output:
            output.write_bytes(content)
            self.stderr.write(f"Wrote {queryset.count()} organisations to {output}")
        else:
            sys.stdout.buffer.write(content)
