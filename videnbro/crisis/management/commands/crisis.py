"""`videnbro crisis sweep|queue` – keep the crisis front door's background work honest."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from videnbro.crisis.models import Offer
from videnbro.crisis.services import sweep_unprocessed


class Command(BaseCommand):
    help = (
        "sweep: re-enqueue offers whose processing never finished (lost enqueue, crashed "
        "worker); queue: how much background work is waiting, running or failed."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="Re-enqueue unprocessed offers.")
        sweep.add_argument(
            "--older-than",
            type=int,
            default=5,
            metavar="MINUTES",
            help="Only offers received at least this long ago (default 5).",
        )
        sweep.add_argument("--quiet", action="store_true")
        sub.add_parser("queue", help="Task and offer counts.")

    def handle(self, *args, action, **options):
        if action == "sweep":
            count = sweep_unprocessed(older_than=timedelta(minutes=options["older_than"]))
            if not options["quiet"] or count:
                self.stdout.write(self.style.SUCCESS(f"Re-enqueued {count} offer(s)."))
            return
        from django_tasks_db.models import DBTaskResult

        counts = {
            status: DBTaskResult.objects.filter(status=status).count()
            for status in ("READY", "RUNNING", "FAILED", "SUCCESSFUL")
        }
        self.stdout.write("Tasks: " + ", ".join(f"{k.lower()} {v}" for k, v in counts.items()))
        waiting = Offer.objects.filter(processed_at__isnull=True)
        oldest = waiting.order_by("created").first()
        age = f", oldest {timezone.now() - oldest.created}" if oldest else ""
        self.stdout.write(f"Offers not yet processed: {waiting.count()}{age}")
