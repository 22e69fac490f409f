"""`videnbro seed` – load all real seed data, app by app; running it twice changes nothing."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

# Order matters: partnerships refer to registry organisations.
SEEDERS = [
    ("registry", "videnbro.registry.seeding.seed_registry", "videnbro.registry.seeding.SeedError"),
    (
        "partnerships",
        "videnbro.partnerships.seeding.seed_partnerships",
        "videnbro.partnerships.seeding.SeedError",
    ),
    ("crisis", "videnbro.crisis.seeding.seed_crisis", "videnbro.crisis.seeding.SeedError"),
    ("datamap", "videnbro.datamap.seeding.seed_datamap", "videnbro.datamap.seeding.SeedError"),
]


class Command(BaseCommand):
    help = "Load the seed data (registry, partnerships, crisis, data map) from the files in the repository."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-progress", action="store_true", help="No progress bars (for logs).")

    def handle(self, *args: Any, **options: Any) -> None:
        for label, path, error_path in SEEDERS:
            seeder, error = import_string(path), import_string(error_path)
            try:
                stats = seeder(progress=not options["quiet_progress"])
            except error as exc:
                raise CommandError(f"{label}: {exc}") from exc
            summary = ", ".join(f"{name}: {value}" for name, value in stats.items())
            self.stdout.write(self.style.SUCCESS(f"{label}: {summary}"))
