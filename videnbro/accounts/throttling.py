"""Limits on mails an outsider can make Videnbro send (finding 4 of issue 12) and the client
address that the log-in lock-out counts.

Counters live in the shared "throttle" cache (videnbro.core.throttling), so every app-server
process counts the same address and client. A limit is applied before anything reveals
whether an address has an account, so the answers stay identical for known and unknown
addresses."""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework import throttling

from videnbro.core.throttling import _SharedCacheMixin

WINDOW_SECONDS = 3600


def _per_hour(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def mail_allowed(kind: str, address: str) -> bool:
    """Count one mail of this kind (password reset, sign-up) to the address; False once the
    address had ACCOUNTS_MAILS_PER_ADDRESS_PER_HOUR of them in the current hour."""
    from django.core.cache import caches

    cache = caches["throttle"]
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    key = f"accounts-mail-{kind}-{digest}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= _per_hour("ACCOUNTS_MAILS_PER_ADDRESS_PER_HOUR", 3)


class PasswordResetClientThrottle(_SharedCacheMixin, throttling.SimpleRateThrottle):
    """Password-reset requests per client (IP address behind NUM_PROXIES) and hour."""

    scope = "password_reset"

    def get_rate(self) -> str:
        return f"{_per_hour('ACCOUNTS_RESETS_PER_CLIENT_PER_HOUR', 10)}/hour"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def client_ip(request) -> str:
    """The client address for django-axes, read exactly as the API throttles read it:
    REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES reverse proxies."""
    import ipaddress

    ident = throttling.BaseThrottle().get_ident(request)
    try:  # axes stores it in an IP address column: never a malformed header value
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a value, no bind


def lockout_username(request, credentials) -> str | None:
    """The user name django-axes counts failures for, case-folded so "Karen@X" and "karen@x"
    share one counter."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username") if request is not None else None
    return username.strip().lower() if isinstance(username, str) else username


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out log-in: a translated page with 429 and
    Retry-After (the API never takes passwords, so there is no JSON variant to give)."""
    import math

    from django.shortcuts import render

    cooloff = settings.AXES_COOLOFF_TIME
    seconds = int(cooloff.total_seconds()) if cooloff else 900
    response = render(request, "accounts/locked_out.html", {"minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def reset_own_login_failures(sender, request, user, **kwargs) -> None:
    """After a successful password log-in, forget the failures of this account from this
    client only (review finding 1 of issue 12). django-axes' own AXES_RESET_ON_SUCCESS
    deletes every failure row of the client address as well – with per-account and
    per-client lock-out that let anyone with an account of their own reset the count of
    guesses at another person's password by logging in between them. Failures for other
    accounts and from other clients stay until the cool-off ends."""
    if request is None or not hasattr(request, "META"):
        return
    from axes.models import AccessAttempt

    username = lockout_username(request, {"username": user.get_username()})
    AccessAttempt.objects.filter(username=username, ip_address=client_ip(request)).delete()
