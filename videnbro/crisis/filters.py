"""Filter sets of the crisis front door (django-filter), shared by the API and the web pages:
the authority's offer inbox and the list of needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.models import Region

from .models import Incident, Need, Offer
from .taxonomy import ITEM_CHOICES

AGE_CHOICES = [("24h", _("Under 1 døgn")), ("72h", _("Under 3 døgn")), ("older", _("Ældre end 3 døgn"))]
ORDERING_CHOICES = [
    ("score", _("Bedste match først")),
    ("oldest", _("Ældste først")),
    ("newest", _("Nyeste først")),
]


class OfferFilter(django_filters.FilterSet):
    incident = django_filters.ModelChoiceFilter(
        queryset=Incident.objects.all(), to_field_name="key", label=_("Hændelse")
    )
    need = django_filters.NumberFilter(method="filter_need", label=_("Behov (id)"))
    category = django_filters.ChoiceFilter(choices=FocusArea.choices, label=_("Kategori"))
    item = django_filters.ChoiceFilter(choices=ITEM_CHOICES, label=_("Vare/ydelse"))
    status = django_filters.MultipleChoiceFilter(choices=Offer.Status.choices, label=_("Status"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        field_name="municipality__region",
        label=_("Region"),
    )
    age = django_filters.ChoiceFilter(choices=AGE_CHOICES, method="filter_age", label=_("Alder"))
    routed = django_filters.ChoiceFilter(
        choices=[("mine", _("Sendt til os")), ("unrouted", _("Ikke sendt til nogen"))],
        method="filter_routed",
        label=_("Indbakke"),
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES, method="filter_ordering", label=_("Sortering")
    )

    class Meta:
        model = Offer
        fields = ["incident", "need", "category", "item", "status", "region", "age"]

    def filter_need(self, queryset: QuerySet[Offer], name: str, value: Any) -> QuerySet[Offer]:
        return queryset.filter(Q(need_id=value) | Q(matched_need_id=value))

    def filter_age(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        now = timezone.now()
        if value == "24h":
            return queryset.filter(created__gte=now - timedelta(hours=24))
        if value == "72h":
            return queryset.filter(created__gte=now - timedelta(hours=72))
        return queryset.filter(created__lt=now - timedelta(hours=72))

    def filter_routed(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        if value == "unrouted":
            return queryset.filter(routed_to__isnull=True)
        user = getattr(self.request, "user", None)
        return queryset.filter(routed_to_id=getattr(user, "organisation_id", None))

    def filter_ordering(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        return queryset  # applied by selectors.order_offers() so that a missing value has a default

    @property
    def ordering_value(self) -> str:
        return (self.form.cleaned_data.get("ordering") if self.form.is_valid() else "") or "score"


class NeedFilter(django_filters.FilterSet):
    incident = django_filters.ModelChoiceFilter(
        queryset=Incident.objects.all(), to_field_name="key", label=_("Hændelse")
    )
    category = django_filters.ChoiceFilter(
        choices=FocusArea.choices, field_name="focus_area", label=_("Kategori")
    )
    item = django_filters.ChoiceFilter(choices=ITEM_CHOICES, label=_("Vare/ydelse"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="slug", label=_("Region")
    )
    status = django_filters.ChoiceFilter(choices=Need.Status.choices, label=_("Status"))

    class Meta:
        model = Need
        fields = ["incident", "category", "item", "region", "status"]
