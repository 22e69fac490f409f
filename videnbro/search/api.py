"""GET /api/v1/search/ – one search over everything."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .services import search, validate_params


class SearchView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Free text (≤ 500 characters); any "
                             "characters are treated as text."),
            OpenApiParameter("type", str, enum=["organisation", "partnership", "capacity"]),
            OpenApiParameter("focus_area", str, description="Focus-area slug, e.g. ppe"),
            OpenApiParameter("region", str, description="Region slug"),
            OpenApiParameter("sector", str, enum=["public", "market", "civil_society"]),
            OpenApiParameter("page", int),
        ],
        responses={200: {"type": "object", "properties": {
            "count": {"type": "integer"},
            "results": {"type": "array", "items": {"type": "object", "properties": {
                "type": {"type": "string"}, "id": {"type": "integer"},
                "title": {"type": "string"}, "snippet": {"type": "string"},
                "url": {"type": "string"}, "score": {"type": "number"}}}},
            "facets": {"type": "object"}}}},
        tags=["search"], summary="Danish-aware search across organisations, partnerships "
                                 "and capacities, with facets",
    )
    def get(self, request):
        q, filters, page = validate_params(request.query_params)
        results = search(q=q, filters=filters, page=page)
        return Response({
            "count": results.count,
            "page": results.page,
            "pages": results.pages,
            "results": [{**asdict(r), "url": request.build_absolute_uri(r.url)}
                        for r in results.results],
            "facets": results.facets,
        })
