"""Output shapes of volunteers: skills, municipality and availability – never name or contact."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from videnbro.core.api_fields import LabelField, LabelListField

from ..models import Volunteer
from ..taxonomy import Skill
from .labels import PlaceLabelField


class VolunteerSerializer(serializers.ModelSerializer):
    """Authorities see skills, municipality and availability – never name or contact data."""

    skills_label = LabelListField(source="skills", choices=Skill)
    municipality: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    municipality_label = PlaceLabelField(source="municipality", allow_null=True)
    status_label = LabelField(source="status", choices=Volunteer.Status)

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "reference",
            "skills",
            "skills_label",
            "has_danish_authorisation",
            "available_from",
            "available_until",
            "hours_per_week",
            "municipality",
            "municipality_label",
            "travel_radius_km",
            "status",
            "status_label",
            "created",
        ]


class VolunteerMatchSerializer(VolunteerSerializer):
    """A volunteer matching a need: the volunteer plus distance and the skills that match."""

    distance_km = serializers.FloatField(allow_null=True)
    matching_skills = serializers.ListField(child=serializers.CharField())
    matching_skills_label = LabelListField(source="matching_skills", choices=Skill)

    class Meta(VolunteerSerializer.Meta):
        fields = [*VolunteerSerializer.Meta.fields, "distance_km", "matching_skills", "matching_skills_label"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # A matching.VolunteerMatch: the volunteer's fields with the match's two beside them.
        volunteer = instance.volunteer
        volunteer.distance_km = instance.distance_km
        volunteer.matching_skills = instance.skills
        return super().to_representation(volunteer)


class VolunteerReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status_url = serializers.CharField()
