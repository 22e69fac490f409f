"""`videnbro dedupe organisations` – candidate duplicate pairs with scores and reasons;
`--merge SURVIVOR_KEY DUPLICATE_KEY` merges one pair (keeps history and an audit row)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from videnbro.core.audit import SystemActor
from videnbro.matching.duplicates import organisation_duplicates
from videnbro.registry.models import Organisation
from videnbro.registry.services import organisation_merge


class Command(BaseCommand):
    help = "List candidate duplicate organisations, or merge a pair with --merge."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["organisations"])
        parser.add_argument("--min-score", type=float, default=0.5)
        parser.add_argument("--merge", nargs=2, metavar=("SURVIVOR_KEY", "DUPLICATE_KEY"))

    def handle(self, *args, what, min_score, merge, **options):
        if merge:
            try:
                survivor = Organisation.objects.get(key=merge[0])
                duplicate = Organisation.objects.get(key=merge[1])
            except Organisation.DoesNotExist:
                raise CommandError("Both keys must name existing organisations.") from None
            try:
                organisation_merge(actor=SystemActor("cli-dedupe"), survivor=survivor, duplicate=duplicate)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(self.style.SUCCESS(f"Merged {merge[1]} into {merge[0]}."))
            return
        pairs = organisation_duplicates(min_score=min_score)
        for pair in pairs:
            self.stdout.write(
                f"{pair.score:.2f}  {pair.first.key}  ~  {pair.second.key}  ({'; '.join(pair.reasons)})"
            )
        self.stdout.write(f"{len(pairs)} candidate pair(s).")
