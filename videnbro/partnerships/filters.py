"""Partnership filters shared by the API, the landscape, the network and the web table."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from videnbro.registry.models import Region, Source
from videnbro.registry.selectors import organisation_by_id_or_key

from .models import Partnership, PartnershipSource, Status
from .taxonomy import FOCUS_AREAS, PARTNER_TYPES, focus_area_term, partner_type_term


def _allowed(terms) -> str:
    return "; ".join(f"{t.slug} ({t.da})" for t in terms)


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Søg"), max_length=200)
    focus_area = django_filters.CharFilter(
        method="filter_focus_area",
        label=_("Fokusområde"),
        help_text=_("Slug eller CBS' betegnelse, fx ppe eller »Test«."),
    )
    partner_type = django_filters.CharFilter(
        method="filter_partner_type",
        label=_("Partnertype"),
        help_text=_("market, civil_society, cross_sector eller CBS' betegnelse."),
    )
    organisation = django_filters.CharFilter(
        method="filter_organisation", label=_("Organisation (id eller nøgle)")
    )
    source = django_filters.CharFilter(
        method="filter_source", label=_("Kilde (kode)"), help_text=_("Fx cbs-2020.")
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    # field_name names the model field so the OpenAPI schema can type the parameter (a slug);
    # filter_region decides the query.
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        field_name="regions",
        method="filter_region",
        label=_("Region"),
    )
    active_from = django_filters.DateFilter(method="filter_from", label=_("Aktiv fra"))
    active_to = django_filters.DateFilter(method="filter_to", label=_("Aktiv til"))

    class Meta:
        model = Partnership
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        ids = Partnership.objects.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(participants__organisation__name__icontains=value)
            | Q(participants__organisation__aliases__name__iexact=value)
        ).values("id")
        return queryset.filter(id__in=ids)

    def filter_focus_area(self, queryset, name, value):
        term = focus_area_term(value)
        if term is None:
            raise ValidationError(
                {
                    "focus_area": [
                        _("Ukendt fokusområde »%(value)s«. Tilladte værdier: %(allowed)s.")
                        % {"value": value, "allowed": _allowed(FOCUS_AREAS)}
                    ]
                }
            )
        return queryset.filter(focus_area=term.slug)

    def filter_partner_type(self, queryset, name, value):
        term = partner_type_term(value)
        if term is None:
            raise ValidationError(
                {
                    "partner_type": [
                        _("Ukendt partnertype »%(value)s«. Tilladte værdier: %(allowed)s.")
                        % {"value": value, "allowed": _allowed(PARTNER_TYPES)}
                    ]
                }
            )
        return queryset.filter(partner_type=term.slug)

    def filter_organisation(self, queryset, name, value):
        value = value.strip()
        organisation = organisation_by_id_or_key(value)
        if organisation is None:
            raise ValidationError({"organisation": [_("Ukendt organisation: %(value)s.") % {"value": value}]})
        return queryset.filter(
            id__in=Partnership.objects.filter(participants__organisation=organisation).values("id")
        )

    def filter_source(self, queryset, name, value):
        source = Source.objects.filter(code=value).first()
        if source is None:
            codes = ", ".join(Source.objects.order_by("code").values_list("code", flat=True))
            raise ValidationError(
                {
                    "source": [
                        _("Ukendt kilde »%(value)s«. Tilladte værdier: %(allowed)s.")
                        % {"value": value, "allowed": codes}
                    ]
                }
            )
        return queryset.filter(
            id__in=PartnershipSource.objects.filter(source_id=source.pk).values("partnership_id")
        )

    def filter_region(self, queryset, name, value):
        ids = Partnership.objects.filter(
            Q(regions=value) | Q(participants__organisation__region=value)
        ).values("id")
        return queryset.filter(id__in=ids)

    def filter_from(self, queryset, name, value):
        return queryset.filter(Q(end__isnull=True) | Q(end__gte=value)).exclude(start__isnull=True)

    def filter_to(self, queryset, name, value):
        return queryset.filter(start__lte=value)
