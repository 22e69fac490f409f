"""Two-factor authentication (TOTP, django-otp) for staff accounts: set up, confirm, turn
off, and check a code at log-in. Every web page calls these services; each change is an
audit row. The secret never leaves the server except in the set-up page's QR code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from videnbro.core.audit import audit_log
from videnbro.core.errors import ApplicationError, PermissionDeniedError

from .models import Role, User

if TYPE_CHECKING:
    from .types import Actor

STAFF_ROLES = (
    Role.AUTHORITY_STAFF,
    Role.DATA_BROKER,
    Role.DATA_CUSTODIAN,
    Role.CLUSTER_SECRETARIAT,
    Role.PLATFORM_ADMIN,
)
# The session flag set at password log-in when the account has a confirmed device: until a
# code is given, the session may only reach the code page and log-out (middleware).
PENDING_SESSION_KEY = "videnbro_otp_pending"


def can_use_2fa(user: Any) -> TypeGuard[User]:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_staff or user.is_superuser or user.role in STAFF_ROLES)
    )


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_2fa(user: Any) -> bool:
    return confirmed_device(user) is not None


def totp_start(*, actor: Actor) -> TOTPDevice:
    """A fresh unconfirmed device (a new secret) for the actor's set-up page; an earlier
    unconfirmed one is replaced."""
    if not can_use_2fa(actor):
        raise PermissionDeniedError(_("Tofaktorgodkendelse er for medarbejderkonti."))
    if has_2fa(actor):
        raise ApplicationError(_("Tofaktorgodkendelse er allerede slået til."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        return TOTPDevice.objects.create(user=actor, name="Videnbro", confirmed=False)


def pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def totp_confirm(*, actor: Actor, token: str) -> TOTPDevice:
    """Turn 2FA on: the code from the app proves the secret was scanned."""
    if not can_use_2fa(actor) or (device := pending_device(actor)) is None:
        raise ApplicationError(_("Start opsætningen forfra."))
    if not device.verify_token(token):
        raise ApplicationError(
            _("Koden passer ikke."), errors={"otp_token": [_("Koden passer ikke. Prøv den næste kode.")]}
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_log(actor=actor, action="accounts.2fa.enabled", obj=actor)
    return device


def totp_disable(*, actor: Actor, token: str) -> None:
    """Turn 2FA off; needs a current code, so a borrowed session alone cannot do it."""
    device = confirmed_device(actor)
    if device is None or not isinstance(actor, User):  # only a signed-in User has a device
        raise ApplicationError(_("Tofaktorgodkendelse er ikke slået til."))
    if not device.verify_token(token):
        raise ApplicationError(_("Koden passer ikke."), errors={"otp_token": [_("Koden passer ikke.")]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        audit_log(actor=actor, action="accounts.2fa.disabled", obj=actor)


def admin_reset(*, actor: Actor, user: User) -> int:
    """A platform administrator removes a person's devices (lost phone)."""
    if not getattr(actor, "is_platform_admin", False):
        raise PermissionDeniedError(_("Kun platformsadministratorer kan nulstille tofaktor."))
    with transaction.atomic():
        count, _kinds = TOTPDevice.objects.filter(user=user).delete()
        audit_log(actor=actor, action="accounts.2fa.reset", obj=user, data={"devices": count})
    return count


def verify_login_code(*, user: Any, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts this code (throttled by django-otp: each failure
    doubles the wait), else None."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(token):
        return None
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (segno, server-side: no CDN, no script)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, light="#fff")


def secret_b32(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
