"""`videnbro export organisations --format csv|xlsx|json` – the registry in the import format."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from videnbro.registry.exports import FORMATS, export_organisations
from videnbro.registry.models import Organisation


class Command(BaseCommand):
    help = "Export organisations as CSV, XLSX or JSON (to stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["organisations"])
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args, what, format, output, **options):  # noqa: A002
        content, _type = export_organisations(Organisation.objects.order_by("name"), format)
        if output:
            output.write_bytes(content)
            self.stderr.write(f"Wrote {Organisation.objects.count()} organisations to {output}")
        else:
            sys.stdout.buffer.write(content)
