"""`videnbro user create USERNAME --role ROLE` – accounts from the command line."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from videnbro.accounts.models import Role
from videnbro.accounts.services import user_create
from videnbro.core.errors import ApplicationError
from videnbro.registry.models import Organisation


class Command(BaseCommand):
    help = "Create a user with a role and (optionally) an organisation."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--role", choices=Role.values, default=Role.ORGANISATION_MEMBER)
        create.add_argument("--organisation", help="Organisation key, e.g. region-hovedstaden")
        create.add_argument("--email", default="")
        create.add_argument("--password", help="Asked for when omitted and interactive.")

    def handle(self, *args, action, username, role, organisation, email, password, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(key=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with key {organisation!r}.")
        if password is None and options.get("interactive", True) and self._stdin_is_tty():
            password = getpass.getpass("Password: ")
        try:
            user = user_create(
                actor=None,
                username=username,
                password=password or None,
                email=email,
                role=role,
                organisation=org,
            )
        except ApplicationError as exc:
            raise CommandError("; ".join(m for msgs in exc.errors.values() for m in msgs)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()})."))

    @staticmethod
    def _stdin_is_tty() -> bool:
        import sys

        return sys.stdin.isatty()
