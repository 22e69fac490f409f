"""Two-factor authentication in the request cycle (after django-otp's OTPMiddleware).

- A session of an account with a confirmed TOTP device is "pending" until the code is given
  in it (django-otp's is_verified()): it reaches only the code page and log-out. This holds
  for every way in (the site's log-in page and the admin's) and for sessions opened before
  2FA was turned on, so a password alone never gets further. Turning 2FA on verifies the
  session that gave the code.
- With REQUIRE_STAFF_2FA, the admin site needs an OTP-verified session: staff without a
  device are sent to the set-up page, staff with one to the code page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor

_OPEN_PREFIXES = ("/static/", "/i18n/")


def _is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _is_verified(user):
            response = self._guard(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _guard(self, request, user):
        path = request.path
        verify, logout = reverse("accounts:otp_verify"), reverse("accounts:logout")
        setup = reverse("accounts:two_factor")
        if path.startswith(_OPEN_PREFIXES) or path in (verify, logout, "/admin/logout/"):
            return None
        # Any session of an account with a confirmed device that has not given a code – not
        # only one flagged at log-in: a session opened before 2FA was turned on, or stored
        # without the flag, is just as unverified (review finding 2).
        if request.session.get(twofactor.PENDING_SESSION_KEY) or twofactor.has_2fa(user):
            return self._refuse(request, verify)
        if (
            getattr(settings, "REQUIRE_STAFF_2FA", False)
            and path.startswith("/admin/")
            and (user.is_staff or user.is_superuser)
        ):
            return self._refuse(request, verify if twofactor.has_2fa(user) else setup)
        return None

    @staticmethod
    def _refuse(request, to: str):
        if request.path.startswith("/api/"):
            from django.utils.translation import gettext as _

            return JsonResponse(
                {"errors": {"detail": [_("Log-ind mangler koden fra godkender-appen.")]}}, status=401
            )
        return redirect(f"{to}?{urlencode({'next': request.get_full_path()})}")
