"""Account writes: users and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from videnbro.core.audit import audit_log
from videnbro.core.errors import ApplicationError, PermissionDeniedError
from videnbro.core.tasks import enqueue, send_email

from .models import ApiToken, Role, User, hash_token
from .throttling import mail_allowed

if TYPE_CHECKING:
    from videnbro.registry.models import Organisation

    from .types import Actor


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str | None = None,
    email: str = "",
    role: str = Role.ORGANISATION_MEMBER,
    organisation: Organisation | None = None,
    is_staff: bool = False,
) -> User:
    if actor is not None and not getattr(actor, "is_platform_admin", False):
        raise PermissionDeniedError("Kun platformsadministratorer kan oprette brugere.")
    if role not in Role.values:
        raise ApplicationError("Ukendt rolle.", errors={"role": [f"Vælg en af: {', '.join(Role.values)}."]})
    if User.objects.filter(username=username).exists():
        raise ApplicationError(
            "Brugernavnet er taget.", errors={"username": ["Brugernavnet findes allerede."]}
        )
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            role=role,
            organisation=organisation,
            is_staff=is_staff or role == Role.PLATFORM_ADMIN,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_log(
            actor=actor,
            action="accounts.user.created",
            obj=user,
            data={"role": role, "organisation": getattr(organisation, "pk", None)},
        )
    return user


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for activation links only (a salt of their own, void once the account is
    active), so they can never serve as password-reset tokens or the other way round."""

    key_salt = "videnbro.accounts.ActivationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{timestamp}{user.email}"


activation_tokens = ActivationTokenGenerator()


def _activation_link(user: User) -> str:
    from django.conf import settings
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse(
        "accounts:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_tokens.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def signup(*, name: str, email: str, stated_organisation: str = "") -> None:
    """A person asks for their own account (an applicant, no organisation rights). Nothing
    here proves who they are, so the account stays inactive and has no usable password: the
    person who opens the link mailed to the address chooses the password and confirms name and
    organisation (`activate`). A repeat sign-up for an unconfirmed address replaces the earlier
    name and organisation (they are only a suggestion shown on the activation page). The answer
    is the same whether or not the address already has an account (no account enumeration): an
    existing holder gets a mail pointing to log-in and password reset instead."""
    email = email.strip().lower()
    if not mail_allowed("signup", email):  # the answer stays the same; no mail flood
        return
    first, _sep, last = name.strip().partition(" ")
    with transaction.atomic():
        existing = (
            User.objects.filter(email__iexact=email).first()
            or User.objects.filter(username__iexact=email).first()
        )
        if existing is not None and not _unconfirmed(existing):
            reset = settings.SITE_URL.rstrip("/") + reverse("accounts:password_reset")
            enqueue(
                send_email,
                email,
                _("Du har allerede en konto på Videnbro"),
                _(
                    "Nogen (måske dig) forsøgte at oprette en konto med denne adresse, men den har "
                    "allerede en konto. Log ind, eller vælg en ny adgangskode her: %(link)s\n"
                )
                % {"link": reset},
            )
            return
        if existing is None:
            existing = User(
                username=email,
                email=email,
                role=Role.ORGANISATION_MEMBER,
                is_active=False,
                signed_up_at=timezone.now(),
            )
            existing.set_unusable_password()
            action = "accounts.user.signed_up"
        else:
            action = "accounts.user.signed_up_again"
        existing.first_name, existing.last_name = first[:150], last[:150]
        existing.stated_organisation = stated_organisation.strip()[:200]
        existing.save()
        audit_log(
            actor=None,
            action=action,
            obj=existing,
            data={"stated_organisation": existing.stated_organisation},
        )
        enqueue(
            send_email,
            email,
            _("Bekræft din konto på Videnbro"),
            _(
                "Velkommen til Videnbro. Åbn linket for at bekræfte din e-mailadresse, vælge din "
                "adgangskode og aktivere kontoen (linket virker i 3 dage): %(link)s\n\nHar du "
                "ikke oprettet en konto, kan du se bort fra denne mail.\n"
            )
            % {"link": _activation_link(existing)},
        )


def _unconfirmed(user: User) -> bool:
    """Signed up by the person, never activated (not an account an administrator
    deactivated: that one is never re-activated by a sign-up link)."""
    return (
        not user.is_active
        and user.signed_up_at is not None
        and user.activated_at is None
        and user.last_login is None
    )


def activation_user(*, uidb64: str, token: str) -> User | None:
    """The unconfirmed account behind a valid activation link; None for a bad or used link."""
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not _unconfirmed(user) or not activation_tokens.check_token(user, token):
        return None
    return user


def activate(
    *, uidb64: str, token: str, password: str, name: str, stated_organisation: str = ""
) -> User | None:
    """The person who opened the mailed link (and so controls the address) chooses the
    password and confirms name and organisation; the account becomes active. None for a bad,
    expired or used link. Raises ApplicationError for a password the validators refuse."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    user = activation_user(uidb64=uidb64, token=token)
    if user is None:
        return None
    first, _sep, last = name.strip().partition(" ")
    if not first:
        raise ApplicationError(_("Skriv dit navn."), errors={"name": [_("Skriv dit navn.")]})
    user.first_name, user.last_name = first[:150], last[:150]
    user.stated_organisation = stated_organisation.strip()[:200]
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            _("Adgangskoden er for svag."), errors={"password1": list(exc.messages)}
        ) from None
    with transaction.atomic():
        user.set_password(password)
        user.is_active = True
        user.activated_at = timezone.now()
        user.save(
            update_fields=[
                "first_name",
                "last_name",
                "stated_organisation",
                "password",
                "is_active",
                "activated_at",
            ]
        )
        audit_log(
            actor=user,
            action="accounts.user.activated",
            obj=user,
            data={"stated_organisation": user.stated_organisation},
        )
    return user


def purge_unconfirmed(*, now: datetime | None = None, older_than_days: int | None = None) -> int:
    """Delete self-service accounts never activated within ACCOUNTS_UNCONFIRMED_DAYS (longer
    than the 3-day link) of signing up; one audit row each. Returns how many were deleted."""
    from datetime import timedelta

    from django.conf import settings

    now = now or timezone.now()
    days = (
        older_than_days if older_than_days is not None else getattr(settings, "ACCOUNTS_UNCONFIRMED_DAYS", 7)
    )
    stale = User.objects.filter(
        is_active=False,
        activated_at__isnull=True,
        last_login__isnull=True,
        signed_up_at__isnull=False,
        signed_up_at__lt=now - timedelta(days=days),
    )
    count = 0
    with transaction.atomic():
        for user in stale.select_for_update():
            audit_log(
                actor=None,
                action="accounts.user.unconfirmed_purged",
                obj=user,
                # signed_up_at is set: the query selects only rows that have it
                data={"signed_up_at": cast(datetime, user.signed_up_at).isoformat(), "days": days},
            )
            user.delete()
            count += 1
    return count


TOKEN_PREFIX = "vb_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = 12


def token_create(*, actor: Actor, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token and return it with the raw value, which is never stored."""
    # A fixed "vb_" start makes leaked tokens recognisable to secret scanners and keeps a
    # prefix from ever starting with "-" (which a command line would read as an option).
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:PREFIX_LENGTH], digest=hash_token(raw)
        )
        audit_log(
            actor=actor,
            action="accounts.token.created",
            obj=token,
            data={"user": user.username, "prefix": token.prefix},
        )
    return token, raw


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        audit_log(
            actor=actor,
            action="accounts.token.revoked",
            obj=token,
            data={"user": token.user.username, "prefix": token.prefix},
        )
    return token
