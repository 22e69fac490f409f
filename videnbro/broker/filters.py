"""Filters of the data entry point's lists, shared by the API and the pages: the access
requests a person sees (the broker's overview, `GET /api/v1/access-requests/`) and the
custodian's inbox of parts. An unknown status is a field error (400 in the API, a message on
the page)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AccessRequest, RequestPart

S = AccessRequest.Status
P = RequestPart.Status
OPEN = [S.SUBMITTED, S.SCREENING, S.RETURNED, S.ROUTED, S.COST_ESTIMATE, S.ACCEPTED, S.PROVISIONING, S.ACTIVE]
YES = ("1", "true", "yes")


def overdue_q(now: Any = None) -> Q:
    """A request whose own step is late, or one with a custodian's part that is late."""
    now = now or timezone.now()
    return Q(due_at__lt=now, status__in=OPEN) | Q(
        status=S.ROUTED, parts__due_at__lt=now, parts__status__in=RequestPart.OPEN
    )


def _unknown_status(value: str) -> ValidationError:
    return ValidationError({"status": [_("Ukendt status: %(s)s.") % {"s": value[:40]}]})


class AccessRequestFilter(django_filters.FilterSet):
    """`status` (a request state or `open`), `overdue`, `custodian` (organisation key), `q`."""

    status = django_filters.CharFilter(method="filter_status", label=gettext_lazy("Status"))
    overdue = django_filters.CharFilter(method="filter_overdue", label=gettext_lazy("Overskredet"))
    custodian = django_filters.CharFilter(method="filter_custodian", label=gettext_lazy("Dataansvarlig"))
    q = django_filters.CharFilter(method="filter_q", label=gettext_lazy("Søg"))

    class Meta:
        model = AccessRequest
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.filter(status__in=OPEN)
        if value not in S.values:
            raise _unknown_status(value)
        return queryset.filter(status=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(overdue_q()) if value in YES else queryset

    def filter_custodian(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(parts__custodian__key=value) | Q(requested_datasets__dataset__custodian__key=value)
        )

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value)
            | Q(project_title__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(organisation_name__icontains=value)
        )


class RequestPartFilter(django_filters.FilterSet):
    """The custodian's inbox: `status` (`open` – the default –, `all` or a part state) and
    `overdue`."""

    status = django_filters.CharFilter(method="filter_status", label=gettext_lazy("Status"))
    overdue = django_filters.CharFilter(method="filter_overdue", label=gettext_lazy("Overskredet"))

    class Meta:
        model = RequestPart
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.filter(status__in=RequestPart.OPEN, request__status=S.ROUTED)
        if value == "all":
            return queryset
        if value not in P.values:
            raise _unknown_status(value)
        return queryset.filter(status=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value not in YES:
            return queryset
        return queryset.filter(
            due_at__lt=timezone.now(), status__in=RequestPart.OPEN, request__status=S.ROUTED
        )


def filtered(filterset: django_filters.FilterSet) -> QuerySet:
    """The filtered queryset; a value the form refuses is a field error like the others."""
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
