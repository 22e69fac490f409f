"""POST /api/v1/classify/ and POST /api/v1/match/."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from videnbro.core.strict_input import StrictCharField
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG, focus_area_term

from .classifier import MAX_TEXT_LENGTH, classify
from .matcher import MAX_LIMIT, MatchRequest, match


class ClassifyInput(serializers.Serializer):
    text = StrictCharField(max_length=MAX_TEXT_LENGTH, allow_blank=False, trim_whitespace=True)


class ClassifyView(APIView):
    @extend_schema(
        request=ClassifyInput,
        responses=inline_serializer(
            "Classification",
            {
                "focus_area": serializers.CharField(help_text="CBS's exact Danish label"),
                "focus_area_slug": serializers.CharField(),
                "confidence": serializers.FloatField(),
                "alternatives": serializers.ListField(child=serializers.DictField()),
            },
        ),
        tags=["matching"],
        summary="Classify free text into one of CBS's ten focus areas",
    )
    def post(self, request):
        data = ClassifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = classify(data.validated_data["text"])
        return Response(
            {
                "focus_area": result.label,
                "focus_area_slug": result.focus_area,
                "confidence": result.confidence,
                "alternatives": [
                    {"focus_area": FOCUS_AREA_BY_SLUG[slug].da, "focus_area_slug": slug, "confidence": p}
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
        responses={200: {"type": "object", "properties": {"results": {"type": "array"}}}},
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
                "focus_area": FOCUS_AREA_BY_SLUG[focus].da,
                "results": [
                    {
                        "organisation": {
                            "id": s.organisation.pk,
                            "name": s.organisation.name,
                            "kind": s.organisation.kind,
                            "sector": s.organisation.sector,
                            "region": s.organisation.region.slug if s.organisation.region_id else None,
                            "url": request.build_absolute_uri(s.organisation.get_absolute_url()),
                        },
                        "score": s.score,
                        "reasons": s.reasons,
                    }
                    for s in suggestions
                ],
            }
        )
