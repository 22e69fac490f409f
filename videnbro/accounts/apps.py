from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "videnbro.accounts"
    verbose_name = _("Konti")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import schema  # noqa: F401  (registers the OpenAPI description of bearer tokens)

        user_logged_in.connect(_mark_code_pending, dispatch_uid="videnbro-otp-pending")
        from .throttling import reset_own_login_failures

        user_logged_in.connect(reset_own_login_failures, dispatch_uid="videnbro-reset-own-login-failures")
        _require_otp_for_admin()

        from . import privacy  # noqa: F401  (registers its personal-data providers)


def _mark_code_pending(sender, request, user, **kwargs) -> None:
    """A password log-in of an account with two-factor authentication is not finished until
    the code is given (TwoFactorMiddleware keeps the session on the code page)."""
    from . import twofactor

    if request is None or not hasattr(request, "session"):
        return
    if twofactor.has_2fa(user) and not getattr(user, "otp_device", None):
        request.session[twofactor.PENDING_SESSION_KEY] = True
    else:
        request.session.pop(twofactor.PENDING_SESSION_KEY, None)


def _require_otp_for_admin() -> None:
    """With REQUIRE_STAFF_2FA the admin site grants access only to an OTP-verified session
    (what django_otp.admin.OTPAdminSite does, on the existing site and its registrations).
    TwoFactorMiddleware sends staff to the set-up or code page first; this is the backstop."""
    from django.conf import settings
    from django.contrib import admin

    site = admin.site
    plain = site.has_permission

    def has_permission(request) -> bool:
        if not plain(request):
            return False
        if not getattr(settings, "REQUIRE_STAFF_2FA", False):
            return True
        return bool(getattr(request.user, "is_verified", lambda: False)())

    # Patched on the existing site instance so its registrations stay (see the docstring).
    site.has_permission = has_permission  # type: ignore[method-assign]
