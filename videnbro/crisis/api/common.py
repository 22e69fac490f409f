"""What the crisis endpoints share: the export answer (CSV, XLSX, HXL) and its OpenAPI
description, form-validated JSON input and the transition input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.http import HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from videnbro.core.strict_input import form_data

from .. import downloads, exports
from ..serializers import (
    TransitionSerializer,
)

T = TypeVar("T")
EXPORT_FORMATS = ("csv", "xlsx", "hxl")
EXPORT_PARAM = OpenApiParameter(
    "as", str, enum=list(EXPORT_FORMATS), description="csv, xlsx or hxl (CSV with HXL hashtags)"
)
# What an export answers: CSV and HXL are text/csv, XLSX the Office Open XML sheet.
EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
}


def form_data_for(data: dict[str, Any], form_class: type[forms.Form]) -> MultiValueDict:
    """Type-checked JSON (a wrong type is a 400 naming the field) as the form's data; JSON lists
    (skills, requirements) become the form's multiple-choice lists."""
    return form_data(data, form_class.base_fields)


def export_response(
    request: Request, rows_fn: Callable[[str], tuple[bytes | str, str]], stem: str
) -> HttpResponse:
    """The export in the format the `as` parameter names, as a download named after `stem`."""
    fmt = request.query_params.get("as", "csv")
    if fmt not in EXPORT_FORMATS:
        raise serializers.ValidationError({"as": [_("Vælg csv, xlsx eller hxl.")]})
    content, content_type = rows_fn(fmt)
    return downloads.attachment(content, content_type, exports.filename(stem, fmt))


def run_transition(request: Request, fn: Callable[..., T], **kwargs: Any) -> T:
    """Call a transition service with the `to` and `note` of the request's body."""
    serializer = TransitionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return fn(
        actor=request.user,
        to=serializer.validated_data["to"],
        note=serializer.validated_data["note"],
        **kwargs,
    )
