"""GET /api/v1/search/ – one search over everything."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from videnbro.core.api_fields import LABELS_SCHEMA, choice_labels
from videnbro.datamap.models import Theme

from .models import DocType
from .services import FILTERS, search, validate_params

type_labels = choice_labels(DocType)


class SearchView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description="Free text (≤ 500 characters); any characters are treated as text."
            ),
            OpenApiParameter("type", str, enum=DocType.values),
            OpenApiParameter("focus_area", str, description="Focus-area slug, e.g. ppe"),
            OpenApiParameter("region", str, description="Region slug"),
            OpenApiParameter("sector", str, enum=["public", "market", "civil_society"]),
            OpenApiParameter(
                "custodian",
                str,
                description="Datasets: the custodian organisation's key, e.g. sundhedsdatastyrelsen",
            ),
            OpenApiParameter(
                "theme", str, enum=Theme.values, description="Datasets: a theme (a dataset may have several)"
            ),
            OpenApiParameter(
                "coding_system",
                str,
                description="Datasets: a coding system, e.g. ICD-10, SKS, ATC (any letter case)",
            ),
            OpenApiParameter(
                "access_route", str, description="Datasets: an access route key, e.g. sds_forskerservice"
            ),
            OpenApiParameter(
                "personal_data",
                str,
                enum=["yes", "no"],
                description="Datasets: whether they hold personal data",
            ),
            OpenApiParameter("page", int),
        ],
        responses={
            200: {
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "type": {"type": "string", "enum": DocType.values},
                                "type_label": LABELS_SCHEMA,
                                "id": {"type": "integer"},
                                "title": {"type": "string"},
                                "snippet": {"type": "string"},
                                "url": {"type": "string"},
                                "score": {"type": "number"},
                            },
                        },
                    },
                    "facets": {
                        "type": "object",
                        "description": "Per filter: value → number of matching "
                        "records. A dataset counts once under each of its themes and coding systems.",
                        "properties": {
                            name: {"type": "object", "additionalProperties": {"type": "integer"}}
                            for name in FILTERS
                        },
                    },
                },
            }
        },
        tags=["search"],
        summary="Danish-aware search across organisations, partnerships, "
        "capacities and health datasets, with facets",
        description="Unknown filter values are a 400 with the allowed values. Without `q`, "
        "filters list what they select alphabetically; with neither, only the "
        "facets of everything are returned.",
    )
    def get(self, request):
        q, filters, page = validate_params(request.query_params)
        results = search(q=q, filters=filters, page=page)
        return Response(
            {
                "count": results.count,
                "page": results.page,
                "pages": results.pages,
                "results": [
                    {
                        **asdict(r),
                        "type_label": type_labels(r.type),
                        "url": request.build_absolute_uri(r.url),
                    }
                    for r in results.results
                ],
                "facets": results.facets,
            }
        )
