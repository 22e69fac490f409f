"""What the crisis pages share: the create-page pattern and the authority check."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from videnbro.core.errors import PermissionDeniedError
from videnbro.core.forms import apply_errors

from .. import permissions


def form_page(request, form, save, *, success: str, next_url, title: str, submit: str, intro: str = ""):
    """A create page: on a valid POST call the service (`save`), report its field errors on
    the form or redirect to the new record; otherwise show the form."""
    if request.method == "POST" and form.is_valid():
        try:
            created = save()
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(next_url(created))
    return render(
        request,
        "crisis/form.html",
        {"form": form, "title": title, "submit": submit, "intro": intro, "cancel": reverse("crisis:home")},
    )


def require_authority(request) -> None:
    if not permissions.is_authority(request.user):
        raise PermissionDeniedError(_("Siden er for myndighedsmedarbejdere."))
