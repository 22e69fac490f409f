"""API representations of registry records and the input parser shared with imports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videnbro.core.api_fields import LABELS_SCHEMA, LabelField
from videnbro.core.strict_input import StrictBooleanField, StrictCharField

from . import permissions
from .models import (
    Capacity,
    Competence,
    ContactPerson,
    Kind,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Period,
    Region,
    Sector,
    SizeBand,
    Source,
)
from .validators import clean_cvr


@extend_schema_field(LABELS_SCHEMA)
class RecordLabelField(serializers.Field):
    """``<field>_label`` of a related record coded by its slug or code (a region, a
    municipality): its Danish ``name`` and its ``name_en``, or the Danish name where the record
    has no English one (municipality names are the same in both languages)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> dict[str, str]:
        return {"da": value.name, "en": getattr(value, "name_en", "") or value.name}


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "key", "name"]


class SourceSerializer(serializers.Serializer):
    code = serializers.CharField(source="source.code", default=None, allow_null=True)
    title = serializers.CharField(source="source.title", default=None, allow_null=True)
    page = serializers.CharField(source="source_page")
    url = serializers.CharField(source="source_url")


class CapacitySerializer(serializers.ModelSerializer):
    per_period_label = LabelField(source="per_period", choices=Period)
    # DRF collects declared fields by metaclass; the stubs see `Field.label` (a str) instead.
    label = serializers.CharField(source="__str__", read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Capacity
        fields = ["id", "item", "quantity", "unit", "per_period", "per_period_label", "note", "label"]


class MembershipSerializer(serializers.ModelSerializer):
    group = OrganisationRefSerializer()
    role_label = LabelField(source="role", choices=MembershipRole)

    class Meta:
        model = Membership
        fields = ["group", "role", "role_label", "note"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["name", "title", "email", "phone"]


class OrganisationListSerializer(serializers.ModelSerializer):
    kind_label = LabelField(source="kind", choices=Kind)
    sector_label = LabelField(source="sector", choices=Sector)
    municipality: serializers.SlugRelatedField[Municipality] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    municipality_label = RecordLabelField(source="municipality", allow_null=True)
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    region_label = RecordLabelField(source="region", allow_null=True)
    aliases = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    api_url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "key",
            "name",
            "name_en",
            "kind",
            "kind_label",
            "sector",
            "sector_label",
            "cvr",
            "municipality",
            "municipality_label",
            "region",
            "region_label",
            "aliases",
            "website",
            "is_acute_hospital",
            "is_verified",
            "url",
            "api_url",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, obj) -> list[str]:
        return [alias.name for alias in obj.aliases.all()]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class OrganisationDetailSerializer(OrganisationListSerializer):
    size_band_label = LabelField(source="size_band", choices=SizeBand)
    parent = OrganisationRefSerializer(read_only=True, allow_null=True)
    competences: serializers.SlugRelatedField[Competence] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    capacities = CapacitySerializer(many=True, read_only=True)
    memberships = MembershipSerializer(many=True, read_only=True)
    # Declared fields named like a `Field` attribute (`source`, `parent`): the stubs see the
    # attribute, DRF's metaclass collects the field.
    source = SourceSerializer(source="*", read_only=True)  # type: ignore[assignment]
    contacts = serializers.SerializerMethodField()

    class Meta(OrganisationListSerializer.Meta):
        fields = [
            *OrganisationListSerializer.Meta.fields,
            "size_band",
            "size_band_label",
            "description",
            "parent",
            "competences",
            "capacities",
            "memberships",
            "contacts",
            "source",
            "created",
            "updated",
        ]

    @extend_schema_field(ContactSerializer(many=True, allow_null=True))
    def get_contacts(self, obj):
        """Contact persons are personal data: null unless `can_view_contacts` allows."""
        request = self.context.get("request")
        if not permissions.can_view_contacts(getattr(request, "user", None), obj):
            return None
        return ContactSerializer(obj.contacts.all(), many=True).data


class StringListField(serializers.ListField):
    """Accepts a JSON list or a ' | '-separated string (for CSV/XLSX imports)."""

    child = serializers.CharField(max_length=200)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part.strip() for part in data.split("|") if part.strip()]
        return super().to_internal_value(data)


class OrganisationInputSerializer(serializers.Serializer):
    """Parses create/update input into service arguments; rules live in the service."""

    name = StrictCharField(max_length=200)
    name_en = StrictCharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, allow_blank=True)
    cvr = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(
        slug_field="slug", queryset=Region.objects.all(), required=False, allow_null=True
    )
    website = serializers.URLField(max_length=300, required=False, allow_blank=True)
    size_band = serializers.ChoiceField(choices=SizeBand.choices, required=False, allow_blank=True)
    description = StrictCharField(required=False, allow_blank=True, max_length=5000)
    # `parent` and `source` are also `Field` attributes in the stubs; DRF's metaclass collects
    # them as declared fields.
    parent = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="key", queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    is_acute_hospital = StrictBooleanField(required=False)
    aliases = StringListField(required=False)
    competences = StringListField(required=False)
    source = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", queryset=Source.objects.all(), required=False, allow_null=True
    )
    source_page = StrictCharField(max_length=40, required=False, allow_blank=True)
    source_url = serializers.URLField(max_length=500, required=False, allow_blank=True)

    def validate_cvr(self, value):
        if not value:
            return None
        from django.core.exceptions import ValidationError

        try:
            return clean_cvr(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class CapacityInputSerializer(serializers.Serializer):
    item = StrictCharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    unit = StrictCharField(max_length=50, required=False, allow_blank=True)
    per_period = serializers.ChoiceField(choices=Period.choices, default=Period.TOTAL)
    note = StrictCharField(max_length=500, required=False, allow_blank=True)


class ResolveQuerySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300, help_text=_("Navnet som det er skrevet."))
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField()


class MatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ResolutionSerializer(serializers.Serializer):
    match = MatchSerializer(allow_null=True)
    score = serializers.FloatField()
    candidates = CandidateSerializer(many=True)
