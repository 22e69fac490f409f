"""Volunteers (register with consent; authorities see them without name or contact) and the
three-frame capacity overview."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from videnbro.core.api import object_or_404
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.form_input import json_object, refuse_unknown_fields
from videnbro.core.throttling import OfferRateThrottle
from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.selectors import organisation_by_id_or_key

from .. import permissions, services
from ..forms import VolunteerForm
from ..frames import capacity_frames
from ..models import Volunteer
from ..serializers import (
    VolunteerInputSerializer,
    VolunteerReceiptSerializer,
    VolunteerSerializer,
    frames_data,
)
from ..signing import volunteer_token
from ..taxonomy import ITEM_CHOICES
from .common import form_data_for


class VolunteerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VolunteerSerializer

    def get_throttles(self):
        if self.action == "create":
            return [OfferRateThrottle(), AnonRateThrottle()]
        return super().get_throttles()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # OpenAPI generation
            return Volunteer.objects.none()
        if not permissions.can_see_volunteers(self.request.user):
            raise PermissionDeniedError(_("Kun myndighedsmedarbejdere ser frivillige."))
        return (
            Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
            .select_related("municipality")
            .order_by("-created", "pk")
        )

    def get_object(self):
        return object_or_404(self.get_queryset(), self.kwargs["pk"])

    @extend_schema(
        request=VolunteerInputSerializer,
        responses={201: VolunteerReceiptSerializer},
        tags=["crisis"],
        summary="Register as a volunteer (explicit consent needed)",
    )
    def create(self, request):
        data = json_object(request)
        refuse_unknown_fields(data, set(VolunteerForm.base_fields))
        volunteer, created = services.volunteer_register(
            data=form_data_for(data, VolunteerForm), idempotency_key=request.headers.get("Idempotency-Key")
        )
        path = reverse(
            "crisis:volunteer_status",
            kwargs={"reference": volunteer.reference, "token": volunteer_token(volunteer)},
        )
        receipt = {
            "id": volunteer.pk,
            "reference": volunteer.reference,
            "status_url": request.build_absolute_uri(path),
        }
        return Response(VolunteerReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------
# Three frames


class FramesView(APIView):
    @extend_schema(
        tags=["crisis"],
        responses={200: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("authority", str, required=True),
            OpenApiParameter("item", str, enum=[c for c, _l in ITEM_CHOICES]),
            OpenApiParameter("category", str, enum=FocusArea.values),
        ],
        summary="Three-frame capacity overview (own, partners, society) for an "
        "authority and an item or category",
    )
    def get(self, request):
        if not permissions.is_authority(request.user):
            raise PermissionDeniedError(_("Kun myndighedsmedarbejdere ser kapacitetsoverblikket."))
        errors = {}
        authority = organisation_by_id_or_key(request.query_params.get("authority", ""))
        if authority is None:
            errors["authority"] = [_("Ukendt myndighed (id eller nøgle).")]
        item = request.query_params.get("item", "")
        category = request.query_params.get("category", "")
        if item and item not in dict(ITEM_CHOICES):
            errors["item"] = [_("Ukendt vare.")]
        if category and category not in FocusArea.values:
            errors["category"] = [_("Ukendt kategori.")]
        if not item and not category:
            errors["item"] = [_("Angiv en vare eller en kategori.")]
        if errors or authority is None:
            raise serializers.ValidationError(errors)
        return Response(frames_data(capacity_frames(authority, item=item, category=category)))
