"""`videnbro broker overdue [--notify]` – the data entry point's overdue steps."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from videnbro.broker.services import overdue_steps, send_overdue_reminders


class Command(BaseCommand):
    help = (
        "overdue: list the access-request steps past their due date and who must act; "
        "--notify e-mails each of them a reminder (run daily from cron or a timer)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        overdue = sub.add_parser("overdue", help="Overdue steps (and reminders).")
        overdue.add_argument(
            "--notify", action="store_true", help="Queue a reminder e-mail to whoever must act."
        )

    def handle(self, *args, action, notify, **options):
        steps = overdue_steps()
        now = timezone.now()
        for step in steps:
            where = f" / {step.part.custodian.key}" if step.part else ""
            days = (now - step.due_at).days
            self.stdout.write(
                f"{step.access_request.reference}{where}: {step.state}, "
                f"{days} day(s) overdue → {', '.join(sorted(step.recipients)) or '-'}"
            )
        self.stdout.write(f"{len(steps)} overdue step(s).")
        if notify:
            sent = send_overdue_reminders(now)
            self.stdout.write(self.style.SUCCESS(f"Queued {sent} reminder(s)."))
