"""Sign-up with e-mail confirmation; the password reset pages are Django's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from videnbro.core.throttling import check_web_throttle

from . import services
from .forms import SignUpForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("broker:home")
    form = SignUpForm(request.POST or None)
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if request.method == "POST":
        check_web_throttle(request)
        if form.is_valid():
            if target:  # back to where they were (e.g. the prefilled application) once active
                request.session["after_activation"] = target
            values = form.cleaned_data
            services.signup(name=values["name"], email=values["email"],
                            password=values["password1"],
                            stated_organisation=values["stated_organisation"])
            return render(request, "accounts/signup_done.html", {"email": values["email"]})
    return render(request, "accounts/signup.html", {"form": form, "next": target})


def activate(request, uidb64: str, token: str):
    user = services.activate(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "error.html", {"status": 400, "message": _(
            "Linket er ugyldigt, udløbet eller allerede brugt. Log ind, eller opret kontoen "
            "igen.")}, status=400)
    target = request.session.pop("after_activation", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("broker:home")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Din konto er aktiveret. Velkommen til Videnbro."))
    return redirect(target)
