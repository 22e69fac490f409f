"""POST /api/v1/classify/ and POST /api/v1/match/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from videnbro.core.api_fields import LABELS_SCHEMA, choice_labels, term_labels
from videnbro.core.strict_input import StrictCharField
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG, focus_area_term
from videnbro.registry.models import Kind, Sector

from .classifier import MAX_TEXT_LENGTH, classify
from .matcher import MAX_LIMIT, WEIGHTS, MatchRequest, match

focus_area_labels = term_labels(FOCUS_AREA_BY_SLUG)
kind_labels = choice_labels(Kind)
sector_labels = choice_labels(Sector)
# The matcher's signals (docs/matching.md), the codes of `signals` in a match result.
SIGNALS = (
    ("text", _("Tekst")),
    ("capacity", _("Kapacitet")),
    ("focus_area", _("Fokusområde")),
    ("region", _("Region")),
    ("near", _("Nabo-region")),
    ("history", _("Tidligere samarbejde")),
)
signal_labels = choice_labels(SIGNALS)

LABELS_LIST = {"type": "array", "items": LABELS_SCHEMA}
FOCUS_AREA = {"type": "string", "enum": list(FOCUS_AREA_BY_SLUG)}
ALTERNATIVE = {
    "type": "object",
    "properties": {
        "focus_area": FOCUS_AREA,
        "focus_area_label": LABELS_SCHEMA,
        "confidence": {"type": "number"},
    },
}
MATCH_SCHEMA = {
    "type": "object",
    "properties": {
        "focus_area": FOCUS_AREA,
        "focus_area_label": LABELS_SCHEMA,
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "organisation": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "name": {"type": "string"},
                            "kind": {"type": "string"},
                            "kind_label": LABELS_SCHEMA,
                            "sector": {"type": "string"},
                            "sector_label": LABELS_SCHEMA,
                            "region": {"type": "string", "nullable": True},
                            "region_label": LABELS_SCHEMA,
                            "url": {"type": "string"},
                        },
                    },
                    "score": {"type": "number"},
                    "reasons": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "The evidence in words, in the language of the request.",
                    },
                    "signals": {
                        "type": "array",
                        "items": {"type": "string", "enum": list(WEIGHTS)},
                        "description": "The codes of the signals behind the score.",
                    },
                    "signals_label": LABELS_LIST,
                },
            },
        },
    },
}


class ClassifyInput(serializers.Serializer):
    text = StrictCharField(max_length=MAX_TEXT_LENGTH, allow_blank=False, trim_whitespace=True)


class ClassifyView(APIView):
    @extend_schema(
        request=ClassifyInput,
        responses={
            200: {
                "type": "object",
                "properties": {
                    "focus_area": FOCUS_AREA,
                    "focus_area_label": LABELS_SCHEMA,
                    "confidence": {"type": "number"},
                    "alternatives": {"type": "array", "items": ALTERNATIVE},
                },
                "required": ["focus_area", "focus_area_label", "confidence", "alternatives"],
            }
        },
        tags=["matching"],
        summary="Classify free text into one of CBS's ten focus areas",
    )
    def post(self, request):
        data = ClassifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = classify(data.validated_data["text"])
        return Response(
            {
                "focus_area": result.focus_area,
                "focus_area_label": focus_area_labels(result.focus_area),
                "confidence": result.confidence,
                "alternatives": [
                    {"focus_area": slug, "focus_area_label": focus_area_labels(slug), "confidence": p}
                    for slug, p in result.alternatives
                ],
            }
        )


class FocusAreaField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        term = focus_area_term(value)
        if term is None:
            raise serializers.ValidationError(
                "Tilladte værdier: " + "; ".join(f"{t.slug} ({t.da})" for t in FOCUS_AREA_BY_SLUG.values())
            )
        return term.slug


class MatchInput(serializers.Serializer):
    text = StrictCharField(max_length=MAX_TEXT_LENGTH)
    focus_area = FocusAreaField(required=False, allow_blank=True)
    region = StrictCharField(required=False, allow_blank=True, max_length=30)
    kinds = serializers.ListField(child=StrictCharField(max_length=30), required=False)
    sectors = serializers.ListField(child=StrictCharField(max_length=30), required=False)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10)


class MatchView(APIView):
    @extend_schema(
        request=MatchInput,
        responses={200: MATCH_SCHEMA},
        tags=["matching"],
        summary="Organisations that can meet a need, each with a score and the reasons",
    )
    def post(self, request):
        data = MatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        asker = getattr(request.user, "organisation", None) if request.user.is_authenticated else None
        suggestions, focus = match(
            MatchRequest(
                text=values["text"],
                focus_area=values.get("focus_area") or None,
                region=values.get("region") or None,
                kinds=values.get("kinds", []),
                sectors=values.get("sectors", []),
                limit=values["limit"],
                asker=asker,
            )
        )
        return Response(
            {
                "focus_area": focus,
                "focus_area_label": focus_area_labels(focus),
                "results": [
                    {
                        "organisation": _organisation(request, s.organisation),
                        "score": s.score,
                        "reasons": s.reasons,
                        "signals": s.signals,
                        "signals_label": [signal_labels(code) for code in s.signals],
                    }
                    for s in suggestions
                ],
            }
        )


def _organisation(request, organisation) -> dict:
    region = organisation.region if organisation.region_id else None
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": kind_labels(organisation.kind),
        "sector": organisation.sector,
        "sector_label": sector_labels(organisation.sector),
        "region": region.slug if region else None,
        "region_label": {"da": region.name, "en": region.name_en or region.name} if region else None,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
