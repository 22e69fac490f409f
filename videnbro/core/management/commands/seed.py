"""`videnbro seed` – load the real seed data; running it twice changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from videnbro.registry.seeding import SeedError, seed_registry


class Command(BaseCommand):
    help = "Load the registry's seed data (regions, municipalities, organisations, memberships)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-progress", action="store_true",
                            help="No progress bar (for logs).")

    def handle(self, *args, **options):
        try:
            stats = seed_registry(progress=not options["quiet_progress"])
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{name}: {value}" for name, value in stats.items())
        self.stdout.write(self.style.SUCCESS(f"Seed data loaded ({summary})."))
