"""Health data map endpoints under /api/v1/: datasets (list, filters, detail with variables
and how to apply)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from videnbro.core.api import object_or_404

from .filters import FILTER_PARAMETERS, filter_datasets
from .models import Dataset
from .selectors import dataset_queryset
from .serializers import DatasetDetailSerializer, DatasetSerializer


@extend_schema_view(
    list=extend_schema(
        summary="The health data map: datasets with filters", tags=["datamap"], parameters=FILTER_PARAMETERS
    ),
    retrieve=extend_schema(
        summary="One dataset with its variables and how to apply",
        tags=["datamap"],
        responses=DatasetDetailSerializer,
    ),
)
class DatasetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DatasetSerializer
    filter_backends: list = []
    # The list serializer's columns only. Every page sorts all matching rows by title (an
    # OFFSET page); with every column of the datasets and their joined organisations those rows
    # are wide, and with 5,000 datasets a page cost 60–140 ms instead of 10–25 ms
    # (bench/datamap_export.py).
    list_fields = (
        "id",
        "key",
        "title",
        "title_en",
        "acronym",
        "themes",
        "coding_systems",
        "personal_data",
        "custodian__id",
        "custodian__key",
        "custodian__name",
        "custodian__kind",
        "access_route__key",
        "access_route__name",
        "access_route__name_en",
    )

    def get_queryset(self) -> QuerySet[Dataset]:
        try:
            queryset = filter_datasets(dataset_queryset(), self.request.query_params)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return (
            queryset.select_related(None).select_related("custodian", "access_route").only(*self.list_fields)
        )

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        dataset = object_or_404(dataset_queryset(), pk)
        return Response(DatasetDetailSerializer(dataset).data)


class CatalogueView(APIView):
    """The whole catalogue, or one dataset (`?dataset=<key>`), as DCAT-AP 3.0.1 with the
    HealthDCAT-AP properties the data has."""

    renderer_classes = [JSONRenderer]
    fmt = "turtle"

    def perform_content_negotiation(self, request, force=False):
        # The document is the view's own response in its RDF media type, whatever the Accept
        # header asks; only an error goes through a renderer, and errors are JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        tags=["datamap"],
        responses={(200, "text/turtle"): OpenApiTypes.STR},
        parameters=[OpenApiParameter("dataset", str, description="One dataset's key")],
        summary="The health data catalogue as DCAT-AP (Turtle or JSON-LD)",
    )
    def get(self, request: Request) -> HttpResponse:
        # Function-level import: rdflib (heavy, about 0.6 s) loads with the first catalogue request.
        from .dcat import MEDIA_TYPES, catalogue_document

        datasets = None
        if key := request.query_params.get("dataset"):
            dataset = Dataset.objects.filter(key=key).first()
            if dataset is None:
                raise NotFound()
            datasets = [dataset]
        base_url = request.build_absolute_uri("/").rstrip("/")
        text = catalogue_document(datasets, base_url=base_url, fmt=self.fmt)
        return HttpResponse(text, content_type=MEDIA_TYPES[self.fmt])


class CatalogueJsonLdView(CatalogueView):
    fmt = "json-ld"

    @extend_schema(
        tags=["datamap"],
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("dataset", str, description="One dataset's key")],
        summary="The health data catalogue as DCAT-AP JSON-LD",
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)
