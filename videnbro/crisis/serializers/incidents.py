"""Output shapes of incidents and needs, and the transition input they share with offers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from videnbro.core.api_fields import LabelField, LabelListField
from videnbro.core.strict_input import StrictCharField

from ..models import Incident, IncidentKind, Need
from ..taxonomy import ITEM_CHOICES, REQUIREMENT_CHOICES, OfferPeriod, Priority, Skill
from .labels import PlaceLabelField, PlaceLabelListField, focus_area_labels


class CrisisOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    is_verified = serializers.BooleanField()


class IncidentSerializer(serializers.ModelSerializer):
    kind_label = LabelField(source="kind", choices=IncidentKind)
    status_label = LabelField(source="status", choices=Incident.Status)
    regions: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    regions_label = PlaceLabelListField(source="regions")
    municipalities: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    municipalities_label = PlaceLabelListField(source="municipalities")
    responsible = CrisisOrganisationSerializer(many=True, read_only=True)
    partnerships = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "key",
            "title",
            "title_en",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "description",
            "starts_on",
            "ends_on",
            "regions",
            "regions_label",
            "municipalities",
            "municipalities_label",
            "responsible",
            "partnerships",
            "declared_at",
            "stood_down_at",
        ]

    def get_partnerships(self, incident: Incident) -> int:
        annotated = getattr(incident, "partnership_count", None)
        return annotated if annotated is not None else incident.partnerships.count()


class NeedSerializer(serializers.ModelSerializer):
    incident: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    owner = CrisisOrganisationSerializer(read_only=True)
    focus_area_label = LabelField(source="focus_area", lookup=focus_area_labels)
    item_label = LabelField(source="item", choices=ITEM_CHOICES)
    skills_label = LabelListField(source="skills", choices=Skill)
    per_period_label = LabelField(source="per_period", choices=OfferPeriod)
    priority_label = LabelField(source="priority", choices=Priority)
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    region_label = PlaceLabelField(source="region", allow_null=True)
    municipality: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    municipality_label = PlaceLabelField(source="municipality", allow_null=True)
    requirements_label = LabelListField(source="requirements", choices=REQUIREMENT_CHOICES)
    status_label = LabelField(source="status", choices=Need.Status)
    is_expired = serializers.SerializerMethodField()
    offer_url = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            "incident",
            "owner",
            "title",
            "description",
            "focus_area",
            "focus_area_label",
            "item",
            "item_label",
            "skills",
            "skills_label",
            "quantity",
            "unit",
            "per_period",
            "per_period_label",
            "needed_by",
            "priority",
            "priority_label",
            "region",
            "region_label",
            "municipality",
            "municipality_label",
            "location",
            "requirements",
            "requirements_label",
            "status",
            "status_label",
            "confirmed_at",
            "expires_at",
            "is_expired",
            "offer_url",
            "created",
        ]

    def get_is_expired(self, need: Need) -> bool:
        return need.expires_at <= timezone.now()

    def get_offer_url(self, need: Need) -> str:
        return reverse("crisis:offer_for_need", kwargs={"pk": need.pk})


class TransitionSerializer(serializers.Serializer):
    to = StrictCharField()
    note = StrictCharField(required=False, allow_blank=True, default="")
