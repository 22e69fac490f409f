"""Account writes: users and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils import timezone

from videnbro.core.audit import audit_log
from videnbro.core.errors import ApplicationError, PermissionDeniedError

from .models import ApiToken, Role, User, hash_token


def user_create(*, actor: Any, username: str, password: str | None = None, email: str = "",
                role: str = Role.ORGANISATION_MEMBER, organisation=None,
                is_staff: bool = False) -> User:
    if actor is not None and not getattr(actor, "is_platform_admin", False):
        raise PermissionDeniedError("Kun platformsadministratorer kan oprette brugere.")
    if role not in Role.values:
        raise ApplicationError(
            "Ukendt rolle.", errors={"role": [f"Vælg en af: {', '.join(Role.values)}."]}
        )
    if User.objects.filter(username=username).exists():
        raise ApplicationError(
            "Brugernavnet er taget.", errors={"username": ["Brugernavnet findes allerede."]}
        )
    with transaction.atomic():
        user = User(username=username, email=email, role=role, organisation=organisation,
                    is_staff=is_staff or role == Role.PLATFORM_ADMIN)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_log(actor=actor, action="accounts.user.created", obj=user,
                  data={"role": role, "organisation": getattr(organisation, "pk", None)})
    return user


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for activation links only (a salt of their own, void once the account is
    active), so they can never serve as password-reset tokens or the other way round."""

    key_salt = "videnbro.accounts.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{user.pk}{user.password}{user.is_active}{timestamp}{user.email}"


activation_tokens = ActivationTokenGenerator()


def _activation_link(user: User) -> str:
    from django.conf import settings
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse("accounts:activate", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": activation_tokens.make_token(user)})
    return settings.SITE_URL.rstrip("/") + path


def signup(*, name: str, email: str, password: str, stated_organisation: str = "") -> None:
    """A person creates their own account (an applicant, no organisation rights). The account
    is inactive until the link mailed to the address is opened. The answer is the same whether
    or not the address already has an account (no account enumeration): an existing holder
    gets a mail pointing to log-in and password reset instead."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from videnbro.core.tasks import enqueue, send_email

    email = email.strip().lower()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first() or \
            User.objects.filter(username__iexact=email).first()
        if existing is not None and existing.is_active:
            reset = settings.SITE_URL.rstrip("/") + reverse("accounts:password_reset")
            enqueue(send_email, email, _("Du har allerede en konto på Videnbro"), _(
                "Nogen (måske dig) forsøgte at oprette en konto med denne adresse, men den har "
                "allerede en konto. Log ind, eller vælg en ny adgangskode her: %(link)s\n")
                % {"link": reset})
            return
        if existing is None:
            first, _sep, last = name.strip().partition(" ")
            existing = User(username=email, email=email, first_name=first[:150],
                            last_name=last[:150], role=Role.ORGANISATION_MEMBER,
                            stated_organisation=stated_organisation.strip()[:200],
                            is_active=False)
            existing.set_password(password)
            existing.save()
            audit_log(actor=None, action="accounts.user.signed_up", obj=existing,
                      data={"stated_organisation": existing.stated_organisation})
        enqueue(send_email, email, _("Bekræft din konto på Videnbro"), _(
            "Velkommen til Videnbro. Åbn linket for at bekræfte din e-mailadresse og aktivere "
            "kontoen (linket virker i 3 dage): %(link)s\n\nHar du ikke oprettet en konto, kan "
            "du se bort fra denne mail.\n") % {"link": _activation_link(existing)})


def activate(*, uidb64: str, token: str) -> User | None:
    """The account behind a valid activation link, now active; None for a bad or used link."""
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or user.is_active or not activation_tokens.check_token(user, token):
        return None
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_log(actor=user, action="accounts.user.activated", obj=user)
    return user


TOKEN_PREFIX = "vb_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = 12


def token_create(*, actor: Any, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token and return it with the raw value, which is never stored."""
    # A fixed "vb_" start makes leaked tokens recognisable to secret scanners and keeps a
    # prefix from ever starting with "-" (which a command line would read as an option).
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:PREFIX_LENGTH], digest=hash_token(raw)
        )
        audit_log(actor=actor, action="accounts.token.created", obj=token,
                  data={"user": user.username, "prefix": token.prefix})
    return token, raw


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        audit_log(actor=actor, action="accounts.token.revoked", obj=token,
                  data={"user": token.user.username, "prefix": token.prefix})
    return token
