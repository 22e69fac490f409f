"""`videnbro resolve NAME…` – what the resolver makes of written names."""

from django.core.management.base import BaseCommand

from videnbro.registry.resolver import organisation_resolve


class Command(BaseCommand):
    help = "Resolve written organisation names to canonical registry records."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="+")

    def handle(self, *args, names, **options):
        for name in names:
            result = organisation_resolve(name)
            if result.match:
                self.stdout.write(f"{name!r} → {result.match.name} (score {result.score:.2f})")
            else:
                candidates = ", ".join(f"{c.name} {c.score:.2f}" for c in result.candidates)
                self.stdout.write(f"{name!r} → no confident match; candidates: {candidates or '–'}")
