"""Sign-up with e-mail confirmation (the password is chosen at activation), password reset
with mail limits, and staff two-factor authentication; the log-in page is Django's own,
guarded by django-axes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from videnbro.core.errors import ApplicationError, PermissionDeniedError
from videnbro.core.throttling import check_web_throttle

from . import services, twofactor
from .forms import ActivationForm, OtpTokenForm, SignUpForm
from .throttling import PasswordResetClientThrottle, mail_allowed


def _show_errors(form, exc: ApplicationError) -> None:
    for field, texts in exc.errors.items():
        form.add_error(field if field in form.fields else None, texts)


def _safe_target(request, target: str | None, default: str = "") -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def signup(request):
    if request.user.is_authenticated:
        return redirect("broker:home")
    form = SignUpForm(request.POST or None)
    target = _safe_target(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        check_web_throttle(request)
        if form.is_valid():
            if target:  # back to where they were (e.g. the prefilled application) once active
                request.session["after_activation"] = target
            values = form.cleaned_data
            services.signup(
                name=values["name"], email=values["email"], stated_organisation=values["stated_organisation"]
            )
            return render(request, "accounts/signup_done.html", {"email": values["email"]})
    return render(request, "accounts/signup.html", {"form": form, "next": target})


def _bad_link(request):
    return render(
        request,
        "error.html",
        {
            "status": 400,
            "message": _(
                "Linket er ugyldigt, udløbet eller allerede brugt. Log ind, eller opret kontoen igen."
            ),
        },
        status=400,
    )


def activate(request, uidb64: str, token: str):
    """The page behind the mailed link: whoever controls the address chooses the password
    and confirms name and organisation; only then is the account active and signed in."""
    user = services.activation_user(uidb64=uidb64, token=token)
    if user is None:
        return _bad_link(request)
    initial = {
        "name": f"{user.first_name} {user.last_name}".strip(),
        "stated_organisation": user.stated_organisation,
    }
    form = ActivationForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            user = services.activate(
                uidb64=uidb64,
                token=token,
                password=values["password1"],
                name=values["name"],
                stated_organisation=values["stated_organisation"],
            )
        except ApplicationError as exc:
            _show_errors(form, exc)
        else:
            if user is None:
                return _bad_link(request)
            target = _safe_target(
                request, request.session.pop("after_activation", ""), reverse("broker:home")
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Din konto er aktiveret. Velkommen til Videnbro."))
            return redirect(target)
    return render(request, "accounts/activate.html", {"form": form, "account": user})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page with limits on the mails an outsider can trigger: per client
    (429 page) and per address (silently no more mails – the answer is the same as for an
    unknown address, so nothing is revealed)."""

    def post(self, request, *args, **kwargs):
        check_web_throttle(request, PasswordResetClientThrottle)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not mail_allowed("password-reset", form.cleaned_data["email"]):
            return redirect(self.get_success_url())
        return super().form_valid(form)


def otp_verify(request):
    """The second step of log-in for an account with two-factor authentication."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    target = _safe_target(request, request.POST.get("next") or request.GET.get("next"), reverse("site:home"))
    if request.user.is_verified() or not twofactor.has_2fa(request.user):
        request.session.pop(twofactor.PENDING_SESSION_KEY, None)
        return redirect(target)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_login_code(user=request.user, token=form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            request.session.pop(twofactor.PENDING_SESSION_KEY, None)
            return redirect(target)
        form.add_error("otp_token", _("Koden passer ikke. Vent på den næste kode, og prøv igen."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target})


@login_required
def two_factor(request):
    """Set up (scan, confirm with a code) or turn off two-factor authentication."""
    if not twofactor.can_use_2fa(request.user):
        raise PermissionDeniedError(_("Tofaktorgodkendelse er for medarbejderkonti."))
    target = _safe_target(request, request.POST.get("next") or request.GET.get("next"))
    form = OtpTokenForm(request.POST or None)
    enabled = twofactor.has_2fa(request.user)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        try:
            if enabled:
                twofactor.totp_disable(actor=request.user, token=token)
                messages.success(request, _("Tofaktorgodkendelse er slået fra."))
            else:
                device = twofactor.totp_confirm(actor=request.user, token=token)
                otp_login(request, device)
                request.session.pop(twofactor.PENDING_SESSION_KEY, None)
                messages.success(request, _("Tofaktorgodkendelse er slået til."))
                if target:
                    return redirect(target)
            return redirect("accounts:two_factor")
        except ApplicationError as exc:
            _show_errors(form, exc)
    context = {"form": form, "enabled": enabled, "next": target}
    if not enabled:
        device = twofactor.pending_device(request.user) or twofactor.totp_start(actor=request.user)
        context.update(qr=twofactor.qr_svg(device), secret=twofactor.secret_b32(device))
    return render(request, "accounts/two_factor.html", context)
