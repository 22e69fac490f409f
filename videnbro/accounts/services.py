"""Account writes: users and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

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
