"""API representations of the health data map. Every coded value is its code in the field
named after the concept plus `<field>_label` = {"da", "en"} (docs/api.md, "Conventions")."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videnbro.core.api_fields import LABELS_SCHEMA, LabelField, LabelListField
from videnbro.registry.models import Kind

from .models import AccessRoute, Dataset, Frequency, Theme, Variable


@extend_schema_field(LABELS_SCHEMA)
class NameLabelField(serializers.Field):
    """`<field>_label` of a record named in both languages (an access route): its Danish name
    and its English name, or the Danish one where it has none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str] | None:
        if value is None:
            return None
        return {"da": value.name, "en": value.name_en or value.name}


class VariableSerializer(serializers.ModelSerializer):
    type_label = LabelField(source="type", choices=Variable.Type)

    class Meta:
        model = Variable
        fields = ["name", "label", "label_en", "type", "type_label", "coding_system"]


class CustodianSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = LabelField(source="kind", choices=Kind)


class AccessRouteSerializer(serializers.ModelSerializer):
    organisation = CustodianSerializer(allow_null=True)

    class Meta:
        model = AccessRoute
        fields = [
            "key",
            "name",
            "name_en",
            "organisation",
            "url",
            "steps",
            "steps_en",
            "typical_processing_time",
            "fee",
            "source_url",
        ]


class DatasetSerializer(serializers.ModelSerializer):
    custodian = CustodianSerializer()
    themes_label = LabelListField(source="themes", choices=Theme)
    variables = VariableSerializer(many=True)
    access_route: serializers.Field = serializers.SlugRelatedField(slug_field="key", read_only=True)
    access_route_label = NameLabelField(source="access_route")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "id",
            "key",
            "title",
            "title_en",
            "acronym",
            "custodian",
            "themes",
            "themes_label",
            "coding_systems",
            "personal_data",
            "variables",
            "access_route",
            "access_route_label",
            "url",
        ]

    def get_url(self, dataset: Dataset) -> str:
        return dataset.get_absolute_url()


class DatasetDetailSerializer(DatasetSerializer):
    access_route = AccessRouteSerializer(allow_null=True)
    update_frequency_label = LabelField(source="update_frequency", choices=Frequency)

    class Meta(DatasetSerializer.Meta):
        fields = [
            *DatasetSerializer.Meta.fields,
            "description",
            "description_en",
            "keywords",
            "population_coverage",
            "time_coverage_from",
            "update_frequency",
            "update_frequency_label",
            "number_of_records",
            "unique_individuals",
            "legal_basis",
            "landing_page",
            "source_url",
            "source_note",
        ]
