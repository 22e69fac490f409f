"""The dataset filters shared by the API and the data map page: `q`, `custodian`, `theme`,
`coding_system`, `access_route`, `personal_data`. Every unknown value is a field error (400 in
the API, shown on the page), all fields at once. Written by hand rather than as a django-filter
FilterSet: themes and coding systems are JSON lists matched in Python so that SQLite and
PostgreSQL agree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter

from videnbro.registry.selectors import organisation_by_id_or_key

from .models import AccessRoute, Dataset, Theme

MAX_Q = 200

# The filters as the OpenAPI schema documents them.
FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Words in title, description, keywords, variables"),
    OpenApiParameter("custodian", str, description="Organisation id or key"),
    OpenApiParameter("theme", str, enum=Theme.values),
    OpenApiParameter("coding_system", str, description="e.g. ICD-10, SKS, ATC, NPU"),
    OpenApiParameter("access_route", str, description="e.g. sds_forskerservice"),
    OpenApiParameter("personal_data", str, enum=["yes", "no"]),
]


def filter_datasets(queryset: QuerySet[Dataset], params: Mapping[str, Any]) -> QuerySet[Dataset]:
    """`q`, `custodian` (id or key), `theme`, `coding_system`, `access_route`, `personal_data`
    (yes/no); an unknown value is a field error, never an empty surprise."""
    errors: dict[str, list[str]] = {}
    q = (params.get("q") or "").strip()
    if len(q) > MAX_Q:
        errors["q"] = [_("Højst %(n)s tegn.") % {"n": MAX_Q}]
    elif q:
        for word in q.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(title_en__icontains=word)
                | Q(acronym__iexact=word)
                | Q(description__icontains=word)
                | Q(description_en__icontains=word)
                | Q(keywords__icontains=word)
                | Q(variables__label__icontains=word)
                | Q(variables__label_en__icontains=word)
                | Q(variables__name__iexact=word)
                | Q(custodian__name__icontains=word)
            ).distinct()
    if custodian := (params.get("custodian") or "").strip():
        organisation = organisation_by_id_or_key(custodian)
        if organisation is None:
            errors["custodian"] = [_("Ukendt dataansvarlig (id eller nøgle).")]
        else:
            queryset = queryset.filter(custodian=organisation)
    if access_route := (params.get("access_route") or "").strip():
        if not AccessRoute.objects.filter(key=access_route).exists():
            errors["access_route"] = [
                _("Ukendt adgangsvej. Tilladte: %(a)s.")
                % {"a": ", ".join(AccessRoute.objects.values_list("key", flat=True))}
            ]
        else:
            queryset = queryset.filter(access_route__key=access_route)
    if personal := (params.get("personal_data") or "").strip():
        if personal not in ("yes", "no"):
            errors["personal_data"] = [_("yes eller no.")]
        else:
            queryset = queryset.filter(personal_data=personal == "yes")
    # Themes and coding systems are JSON lists: matched in Python so that SQLite and
    # PostgreSQL agree (JSON containment is PostgreSQL-only).
    theme = (params.get("theme") or "").strip()
    if theme and theme not in Theme.values:
        errors["theme"] = [_("Ukendt tema. Tilladte: %(t)s.") % {"t": ", ".join(Theme.values)}]
    coding = (params.get("coding_system") or "").strip()
    if errors:
        raise ValidationError(errors)
    if theme or coding:
        wanted = [
            pk
            for pk, themes, codes in queryset.values_list("pk", "themes", "coding_systems")
            if (not theme or theme in themes)
            and (not coding or coding.casefold() in {c.casefold() for c in codes})
        ]
        queryset = queryset.filter(pk__in=wanted)
    return queryset
