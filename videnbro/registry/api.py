"""Registry endpoints under /api/v1/ (thin: parse, call selectors/services, serialise)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from videnbro.core.api import object_or_404

from . import services
from .filters import OrganisationFilter
from .permissions import can_view_unverified
from .resolver import organisation_resolve
from .selectors import organisation_base_queryset, visible_organisations
from .serializers import (
    CapacityInputSerializer,
    CapacitySerializer,
    OrganisationDetailSerializer,
    OrganisationInputSerializer,
    OrganisationListSerializer,
    ResolutionSerializer,
    ResolveQuerySerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List and filter organisations", tags=["registry"]),
    retrieve=extend_schema(summary="One organisation with capacities and memberships", tags=["registry"]),
)
class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = OrganisationFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        # Unverified organisations exist only for staff who review them (issue 12, finding 6):
        # for everyone else they are absent from the list and their detail is a 404.
        queryset = organisation_base_queryset(self.request.user).order_by("name", "id")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "competences", "capacities", "memberships__group", "contacts"
            ).select_related("source")
        return queryset

    def get_serializer_class(self):
        return OrganisationDetailSerializer if self.action == "retrieve" else OrganisationListSerializer

    def _detail(self, organisation, status_code=status.HTTP_200_OK):
        organisation = (
            self.get_queryset()
            .prefetch_related("competences", "capacities", "memberships__group", "contacts")
            .get(pk=organisation.pk)
        )
        data = OrganisationDetailSerializer(organisation, context={"request": self.request}).data
        return Response(data, status=status_code)

    @extend_schema(
        request=OrganisationInputSerializer,
        responses={201: OrganisationDetailSerializer},
        summary="Create an organisation (registry keepers and authority staff)",
        tags=["registry"],
    )
    def create(self, request):
        serializer = OrganisationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_create(actor=request.user, **serializer.validated_data)
        return self._detail(organisation, status.HTTP_201_CREATED)

    @extend_schema(
        request=OrganisationInputSerializer,
        responses=OrganisationDetailSerializer,
        summary="Update an organisation (partial updates allowed)",
        tags=["registry"],
    )
    def partial_update(self, request, pk=None):
        organisation = object_or_404(visible_organisations(request.user), pk)
        serializer = OrganisationInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            actor=request.user, organisation=organisation, **serializer.validated_data
        )
        return self._detail(organisation)

    @extend_schema(
        request=OrganisationInputSerializer,
        responses=OrganisationDetailSerializer,
        summary="Replace an organisation's editable fields",
        tags=["registry"],
    )
    def update(self, request, pk=None):
        organisation = object_or_404(visible_organisations(request.user), pk)
        serializer = OrganisationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            actor=request.user, organisation=organisation, **serializer.validated_data
        )
        return self._detail(organisation)

    @extend_schema(
        parameters=[
            OpenApiParameter("name", str, required=True),
            OpenApiParameter("limit", int, required=False),
        ],
        responses=ResolutionSerializer,
        summary="Resolve a written name to the canonical organisation",
        tags=["registry"],
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def resolve(self, request):
        query = ResolveQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        resolution = organisation_resolve(
            query.validated_data["name"],
            limit=query.validated_data["limit"],
            include_unverified=can_view_unverified(request.user),
        )
        return Response(ResolutionSerializer(resolution).data)

    @extend_schema(
        request=CapacityInputSerializer,
        responses={201: CapacitySerializer},
        summary="Add a quantified capacity to an organisation",
        tags=["registry"],
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def capacities(self, request, pk=None):
        organisation = object_or_404(visible_organisations(request.user), pk)
        serializer = CapacityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        capacity = services.capacity_add(
            actor=request.user, organisation=organisation, **serializer.validated_data
        )
        return Response(CapacitySerializer(capacity).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: OrganisationDetailSerializer},
        summary="Verify an organisation created from an offer or an import (staff; "
        "409 when it is already verified)",
        tags=["registry"],
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def verify(self, request, pk=None):
        organisation = object_or_404(visible_organisations(request.user), pk)
        organisation = services.organisation_verify(actor=request.user, organisation=organisation)
        return self._detail(organisation)
