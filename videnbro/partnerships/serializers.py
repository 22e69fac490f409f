"""API representations of partnerships and the input parser for create/update."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videnbro.core.api_fields import (
    LABELS_SCHEMA,
    LANGUAGES,
    LabelField,
    LabelListField,
    choice_labels,
    term_labels,
)
from videnbro.core.strict_input import StrictBooleanField, StrictCharField
from videnbro.registry.models import Municipality, Organisation, Region
from videnbro.registry.serializers import OrganisationRefSerializer, RecordLabelField

from .models import (
    BodyKind,
    DatePrecision,
    EvaluationKind,
    OutputKind,
    Participant,
    ParticipantRole,
    Partnership,
    PartnerTypeOrigin,
    Status,
)
from .taxonomy import (
    FOCUS_AREA_BY_SLUG,
    FOCUS_AREAS,
    PARTNER_TYPE_BY_SLUG,
    PARTNER_TYPES,
    focus_area_term,
    partner_type_term,
)


class TermField(StrictCharField):
    """Accepts a slug, CBS's Danish label or the English label; errors list the allowed values."""

    def __init__(self, *, terms, lookup, **kwargs):
        self.terms, self.lookup = terms, lookup
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value == "":
            return ""
        term = self.lookup(value)
        if term is None:
            allowed = "; ".join(f"{t.slug} ({t.da})" for t in self.terms)
            raise serializers.ValidationError(
                _("Ukendt værdi »%(value)s«. Tilladte værdier: %(allowed)s.")
                % {"value": value, "allowed": allowed}
            )
        return term.slug


focus_area_labels = term_labels(FOCUS_AREA_BY_SLUG)
body_kind_labels = choice_labels(BodyKind)
output_kind_labels = choice_labels(OutputKind)
evaluation_kind_labels = choice_labels(EvaluationKind)


def _list_of(**properties) -> dict:
    """The OpenAPI schema of a hand-built nested list: a coded ``kind`` with its label."""
    return {"type": "array", "items": {"type": "object", "properties": properties}}


KIND = {"kind": {"type": "string"}, "kind_label": LABELS_SCHEMA}


class ParticipantSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer()
    role_label = LabelField(source="role", choices=ParticipantRole)

    class Meta:
        model = Participant
        fields = ["organisation", "role", "role_label", "note"]


class PartnershipSerializer(serializers.ModelSerializer):
    focus_area = serializers.CharField()
    focus_area_label = LabelField(source="focus_area", lookup=focus_area_labels)
    secondary_focus_areas = serializers.ListField(child=serializers.CharField())
    secondary_focus_areas_label = LabelListField(source="secondary_focus_areas", lookup=focus_area_labels)
    partner_type = serializers.CharField()
    partner_type_label = LabelField(source="partner_type", lookup=term_labels(PARTNER_TYPE_BY_SLUG))
    partner_type_origin_label = LabelField(source="partner_type_origin", choices=PartnerTypeOrigin)
    status_label = LabelField(source="status", choices=Status)
    participants = ParticipantSerializer(many=True)
    period = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Partnership
        fields = [
            "id",
            "key",
            "cbs_number",
            "title",
            "focus_area",
            "focus_area_label",
            "secondary_focus_areas",
            "secondary_focus_areas_label",
            "partner_type",
            "partner_type_label",
            "partner_type_origin",
            "partner_type_origin_label",
            "participants",
            "period",
            "status",
            "status_label",
            "is_national",
            "sources",
            "url",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "description": "Start and end with the precision their source gives (year, month, "
            "day); a year or month is stored as its first day (an end as its last day).",
            "properties": {
                "start": {"type": "string", "format": "date", "nullable": True},
                "start_precision": {"type": "string", "enum": list(DatePrecision.values)},
                "end": {"type": "string", "format": "date", "nullable": True},
                "end_precision": {"type": "string", "enum": list(DatePrecision.values)},
                "label": LABELS_SCHEMA,
            },
        }
    )
    def get_period(self, obj):
        label: dict[str, str] | None = None
        if obj.start or obj.end:
            label = {}
            for language in LANGUAGES:
                with translation.override(language):
                    label[language] = obj.period_label
        return {
            "start": obj.start,
            "start_precision": obj.start_precision,
            "end": obj.end,
            "end_precision": obj.end_precision,
            "label": label,
        }

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_sources(self, obj):
        return [
            {
                "code": s.source.code if s.source_id else None,
                "title": s.source.title if s.source_id else None,
                "page": s.source_page,
                "url": s.source_url or (s.source.url if s.source_id else ""),
            }
            for s in obj.sources.all()
        ]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class PartnershipDetailSerializer(PartnershipSerializer):
    description = serializers.CharField()
    governance_bodies = serializers.SerializerMethodField()
    contributions = serializers.SerializerMethodField()
    outputs = serializers.SerializerMethodField()
    evaluations = serializers.SerializerMethodField()
    regions: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    regions_label = serializers.ListField(child=RecordLabelField(), source="regions.all", read_only=True)

    class Meta(PartnershipSerializer.Meta):
        fields = [
            *PartnershipSerializer.Meta.fields,
            "description",
            "regions",
            "regions_label",
            "governance_bodies",
            "contributions",
            "outputs",
            "evaluations",
            "created",
            "updated",
        ]

    @extend_schema_field(_list_of(**KIND, name={"type": "string"}, mandate={"type": "string"}))
    def get_governance_bodies(self, obj):
        return [
            {
                "kind": b.kind,
                "kind_label": body_kind_labels(b.kind),
                "name": b.name,
                "mandate": b.mandate,
                "members": [
                    {"id": m.organisation_id, "name": m.organisation.name, "note": m.note}
                    for m in b.memberships.all()
                ],
            }
            for b in obj.governance_bodies.prefetch_related("memberships__organisation")
        ]

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_contributions(self, obj):
        return [
            {
                "organisation": c.organisation.name if c.organisation_id else None,
                "year": c.year,
                "cash_dkk": c.cash_dkk,
                "staff_hours": c.staff_hours,
                "in_kind": c.in_kind,
                "note": c.note,
            }
            for c in obj.contributions.select_related("organisation")
        ]

    @extend_schema_field(
        _list_of(**KIND, title={"type": "string"}, year={"type": "integer", "nullable": True})
    )
    def get_outputs(self, obj):
        return [
            {
                "kind": o.kind,
                "kind_label": output_kind_labels(o.kind),
                "title": o.title,
                "description": o.description,
                "year": o.year,
                "target": o.target,
            }
            for o in obj.outputs.all()
        ]

    @extend_schema_field(_list_of(**KIND, date={"type": "string", "format": "date"}))
    def get_evaluations(self, obj):
        return [
            {
                "kind": e.kind,
                "kind_label": evaluation_kind_labels(e.kind),
                "date": e.date,
                "method": e.method,
                "findings": e.findings,
                "rating": e.rating,
            }
            for e in obj.evaluations.all()
        ]


class ParticipantInputSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    name = StrictCharField(max_length=300, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=ParticipantRole.choices, default=ParticipantRole.PARTNER)
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs.get("organisation") and not attrs.get("name", "").strip():
            raise serializers.ValidationError(_("Angiv en organisation (id) eller et navn."))
        return attrs


class PartnershipInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=300)
    description = StrictCharField(required=False, allow_blank=True, max_length=10000)
    focus_area = TermField(terms=FOCUS_AREAS, lookup=focus_area_term, required=False, allow_blank=True)
    secondary_focus_areas = serializers.ListField(
        child=TermField(terms=FOCUS_AREAS, lookup=focus_area_term), required=False
    )
    partner_type = TermField(terms=PARTNER_TYPES, lookup=partner_type_term, required=False, allow_blank=True)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    is_national = StrictBooleanField(required=False)
    regions = serializers.SlugRelatedField(
        slug_field="slug", queryset=Region.objects.all(), many=True, required=False
    )
    municipalities = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), many=True, required=False
    )
    participants = ParticipantInputSerializer(many=True, required=False)

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end < start:
            raise serializers.ValidationError({"end": [_("Slutdatoen ligger før startdatoen.")]})
        return attrs
