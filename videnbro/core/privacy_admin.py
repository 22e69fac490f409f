"""Admin actions over the personal-data services (core.privacy): export or erase everything
about the e-mail addresses of the selected rows. Platform administrators only (the services
check it); a model admin that holds people adds them to its `actions`."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import privacy
from .downloads import attachment_header
from .errors import PermissionDeniedError


def _addresses(queryset: QuerySet[Any]) -> list[str]:
    return sorted({row.email.strip().lower() for row in queryset if getattr(row, "email", "")})


@admin.action(description=gettext_lazy("Udlevér personoplysninger (JSON)"))
def export_personal_data(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    addresses = _addresses(queryset)
    if not addresses:
        modeladmin.message_user(request, _("De valgte har ingen e-mailadresse."), messages.WARNING)
        return None
    try:
        result = [privacy.personal_data_export(actor=request.user, email=a) for a in addresses]
    except PermissionDeniedError as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return None
    response = HttpResponse(
        json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = attachment_header("personoplysninger.json")
    return response


@admin.action(description=gettext_lazy("Slet (anonymisér) personoplysninger"))
def erase_personal_data(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    addresses = _addresses(queryset)
    if not addresses:
        modeladmin.message_user(request, _("De valgte har ingen e-mailadresse."), messages.WARNING)
        return None
    if not getattr(request.user, "is_platform_admin", False):
        modeladmin.message_user(
            request,
            _("Kun platformens administratorer kan udlevere eller slette personoplysninger."),
            messages.ERROR,
        )
        return None
    if request.POST.get("post") != "yes":
        return TemplateResponse(
            request,
            "admin/core/privacy_erase_confirmation.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": _("Slet personoplysninger"),
                "addresses": addresses,
                "queryset": queryset,
                "opts": modeladmin.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
    total = 0
    for address in addresses:
        total += sum(privacy.personal_data_erase(actor=request.user, email=address).values())
    modeladmin.message_user(
        request,
        _("Anonymiseret: %(n)s poster for %(people)s adresse(r).") % {"n": total, "people": len(addresses)},
        messages.SUCCESS,
    )
    return None
