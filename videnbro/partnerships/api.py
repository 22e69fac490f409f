"""Partnership endpoints under /api/v1/: partnerships, landscape, network."""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from videnbro.core.api import object_or_404
from videnbro.core.api_fields import LABELS_SCHEMA, choice_labels
from videnbro.registry.models import Kind, Sector

from . import services
from .filters import PartnershipFilter
from .models import Partnership
from .selectors import landscape_cached, network, partnership_queryset
from .serializers import (
    PartnershipDetailSerializer,
    PartnershipInputSerializer,
    PartnershipSerializer,
)


def _service_kwargs(data: dict) -> dict:
    data = dict(data)
    if "participants" in data:
        data["participants"] = [
            services.ParticipantInput(
                role=p.get("role") or "partner",
                organisation=p.get("organisation"),
                name=p.get("name", ""),
                note=p.get("note", ""),
            )
            for p in data["participants"]
        ]
    return data


def _filtered(request):
    filterset = PartnershipFilter(request.query_params, queryset=Partnership.objects.all())
    if not filterset.is_valid():
        raise serializers.ValidationError(filterset.errors)
    return filterset.qs


@extend_schema_view(
    list=extend_schema(summary="List and filter partnerships", tags=["partnerships"]),
    retrieve=extend_schema(
        summary="One partnership with governance, contributions, outputs and evaluations",
        tags=["partnerships"],
    ),
)
class PartnershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = PartnershipFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        return partnership_queryset(self.request.user).order_by(
            F("cbs_number").asc(nulls_last=True), "title", "id"
        )

    def get_serializer_class(self):
        return PartnershipDetailSerializer if self.action == "retrieve" else PartnershipSerializer

    def _detail(self, partnership, code=status.HTTP_200_OK):
        partnership = self.get_queryset().get(pk=partnership.pk)
        return Response(
            PartnershipDetailSerializer(partnership, context={"request": self.request}).data, status=code
        )

    @extend_schema(
        request=PartnershipInputSerializer,
        responses={201: PartnershipDetailSerializer},
        tags=["partnerships"],
        summary="Create a partnership; participants by organisation id or by name "
        "(resolved; uncertain names answer 400 with candidates)",
    )
    def create(self, request):
        serializer = PartnershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # No focus area given: partnership_create takes the classifier's (PATCH to change).
        data = _service_kwargs(serializer.validated_data)
        partnership = services.partnership_create(actor=request.user, **data)
        return self._detail(partnership, status.HTTP_201_CREATED)

    @extend_schema(
        request=PartnershipInputSerializer,
        responses=PartnershipDetailSerializer,
        tags=["partnerships"],
        summary="Update a partnership (partial)",
    )
    def partial_update(self, request, pk=None):
        partnership = object_or_404(Partnership, pk)
        serializer = PartnershipInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.partnership_update(
            actor=request.user, partnership=partnership, **_service_kwargs(serializer.validated_data)
        )
        return self._detail(partnership)

    @extend_schema(
        request=PartnershipInputSerializer,
        responses=PartnershipDetailSerializer,
        tags=["partnerships"],
        summary="Update a partnership (as PATCH: fields not sent are kept)",
    )
    def update(self, request, pk=None):
        return self.partial_update(request, pk)


FILTER_PARAMETERS = [
    OpenApiParameter(name, str, required=False, description=description)
    for name, description in [
        ("source", "Source code, e.g. cbs-2020"),
        ("focus_area", "Slug or CBS label"),
        ("partner_type", "market, civil_society, cross_sector or CBS label"),
        ("region", "Region slug"),
        ("status", "forming, active or ended"),
        ("active_from", "ISO date"),
        ("active_to", "ISO date"),
        ("organisation", "Organisation id or key"),
        ("q", "Text"),
    ]
]


class LandscapeView(APIView):
    @extend_schema(
        parameters=[*FILTER_PARAMETERS, OpenApiParameter("lang", str, required=False, enum=["da", "en"])],
        responses={200: {"type": "object"}},
        tags=["partnerships"],
        summary="Counts per CBS partner type and focus area (keys are CBS's Danish labels)",
    )
    def get(self, request):
        lang = request.query_params.get("lang", "da")
        if lang not in {"da", "en"}:
            raise serializers.ValidationError({"lang": ["Brug da eller en."]})
        params = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.items()))
        return Response(landscape_cached(_filtered(request), params=params, lang=lang))


kind_labels = choice_labels(Kind)
sector_labels = choice_labels(Sector)


NODE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "key": {"type": "string"},
        "kind": {"type": "string"},
        "kind_label": LABELS_SCHEMA,
        "sector": {"type": "string"},
        "sector_label": LABELS_SCHEMA,
        "url": {"type": "string"},
        "partnerships": {"type": "integer"},
        "degree": {"type": "integer"},
        "betweenness": {"type": "number"},
    },
}
NETWORK_SCHEMA = {
    "type": "object",
    "properties": {
        "nodes": {"type": "array", "items": NODE_SCHEMA},
        "edges": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "source": {"type": "integer"},
                    "target": {"type": "integer"},
                    "weight": {"type": "integer"},
                },
            },
        },
        "most_connected": {"type": "array", "items": NODE_SCHEMA},
        "stats": {"type": "object"},
    },
}


def _with_labels(node: dict) -> dict:
    return {**node, "kind_label": kind_labels(node["kind"]), "sector_label": sector_labels(node["sector"])}


class NetworkView(APIView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: NETWORK_SCHEMA},
        tags=["partnerships"],
        summary="Who works with whom: organisations as nodes, shared partnerships "
        "as edges, with degree and betweenness",
    )
    def get(self, request):
        graph = network(_filtered(request))
        return Response(
            {
                **graph,
                "nodes": [_with_labels(node) for node in graph["nodes"]],
                "most_connected": [_with_labels(node) for node in graph["most_connected"]],
            }
        )
