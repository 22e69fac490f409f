"""`videnbro token create|list|revoke` – API tokens from the command line."""

from django.core.management.base import BaseCommand, CommandError

from videnbro.accounts.models import ApiToken, User
from videnbro.accounts.services import token_create, token_revoke
from videnbro.core.audit import SystemActor


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (sent as 'Authorization: Bearer <token>')."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "revoke":
            tokens = ApiToken.objects.filter(prefix=options["prefix"], revoked__isnull=True)
            if tokens.count() != 1:
                raise CommandError("No single active token has that prefix.")
            token_revoke(actor=SystemActor("cli"), token=tokens.get())
            self.stdout.write("Revoked.")
            return
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        if action == "create":
            _, raw = token_create(actor=SystemActor("cli"), user=user, name=options["name"])
            self.stdout.write(raw)
        else:
            for token in user.api_tokens.order_by("created"):
                state = "active" if token.is_valid else "revoked/expired"
                self.stdout.write(f"{token.prefix}…  {token.name}  {token.created:%Y-%m-%d}  {state}")
