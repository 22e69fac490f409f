"""Organisation filters shared by the API and the web list; unknown values are errors."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from videnbro.core.text import slugify_key

from .models import Kind, Municipality, Organisation, Region, Sector
from .selectors import organisation_by_id_or_key, organisation_search


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Søg"), max_length=200)
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Type"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sektor"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="slug", label=_("Region")
    )
    municipality = django_filters.CharFilter(
        method="filter_municipality",
        label=_("Kommune"),
        help_text=_("Kommunekode (101) eller navn (københavn)."),
    )
    member_of = django_filters.CharFilter(
        method="filter_member_of",
        label=_("Medlem af"),
        help_text=_("Id eller nøgle for klynge, hub eller sundhedssamarbejde."),
    )
    acute_hospital = django_filters.BooleanFilter(field_name="is_acute_hospital", label=_("Akuthospital"))
    # Staff review unverified organisations with verified=false; for everyone else the list
    # holds verified organisations only, so the filter finds nothing more.
    verified = django_filters.BooleanFilter(field_name="is_verified", label=_("Verificeret"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "sector", "region", "municipality", "member_of"]

    def filter_q(self, queryset, name, value):
        return organisation_search(queryset, value)

    def filter_municipality(self, queryset, name, value):
        value = value.strip()
        municipality = (
            Municipality.objects.filter(code=value.zfill(3)).first()
            if value.isascii() and value.isdigit()
            else Municipality.objects.filter(slug=slugify_key(value)).first()
        )
        if municipality is None:
            raise ValidationError({"municipality": [_("Ukendt kommune: %(value)s.") % {"value": value}]})
        return queryset.filter(municipality=municipality)

    def filter_member_of(self, queryset, name, value):
        value = value.strip()
        group = organisation_by_id_or_key(value)
        if group is None:
            raise ValidationError({"member_of": [_("Ukendt gruppe: %(value)s.") % {"value": value}]})
        return queryset.filter(memberships__group=group).distinct()
