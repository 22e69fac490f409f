"""Incidents (public; declared and moved by authority staff) and needs (open ones public;
posted, confirmed and closed by their authority)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from videnbro.core.api import object_or_404
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.form_input import json_object
from videnbro.core.strict_input import check_form_types
from videnbro.registry.selectors import organisation_by_id_or_key

from .. import exports, permissions, services
from ..filters import NeedFilter
from ..forms import IncidentForm, NeedForm
from ..matching import volunteers_for_need
from ..models import Incident, Need
from ..report import evaluate
from ..selectors import needs_visible_to
from ..serializers import (
    IncidentInputSerializer,
    IncidentSerializer,
    NeedInputSerializer,
    NeedSerializer,
    TransitionSerializer,
    VolunteerMatchSerializer,
    evaluation_data,
)
from .common import EXPORT_PARAM, EXPORT_RESPONSES, export_response, form_data_for, run_transition


@extend_schema_view(
    list=extend_schema(summary="Incidents (public)", tags=["crisis"]),
    retrieve=extend_schema(summary="One incident", tags=["crisis"]),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = IncidentSerializer
    queryset = (
        Incident.objects.prefetch_related("regions", "municipalities", "responsible")
        .annotate(partnership_count=Count("partnerships", distinct=True))
        .order_by("-starts_on", "pk")
    )

    def get_object(self):
        return object_or_404(Incident, self.kwargs["pk"])

    @extend_schema(
        request=IncidentInputSerializer,
        responses={201: IncidentSerializer},
        tags=["crisis"],
        summary="Declare an incident (authority staff)",
    )
    def create(self, request):
        data = json_object(request)
        incident = services.incident_declare(actor=request.user, data=form_data_for(data, IncidentForm))
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TransitionSerializer,
        responses={200: IncidentSerializer},
        tags=["crisis"],
        summary="declared → active → stood_down (409 otherwise)",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        incident = run_transition(request, services.incident_transition, incident=self.get_object())
        return Response(IncidentSerializer(incident).data)

    @extend_schema(
        tags=["crisis"], responses={200: OpenApiTypes.OBJECT}, summary="Evaluation figures of an incident"
    )
    @action(detail=True, methods=["get"])
    def evaluation(self, request, pk=None):
        return Response(evaluation_data(evaluate(self.get_object())))


# ---------------------------------------------------------------------------------------------
# Needs


@extend_schema_view(
    list=extend_schema(summary="Needs: anyone sees open needs; authorities also their own", tags=["crisis"]),
    retrieve=extend_schema(summary="One need", tags=["crisis"]),
)
class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NeedSerializer
    filterset_class = NeedFilter

    def get_queryset(self):
        return needs_visible_to(self.request.user).order_by("-created", "pk")

    def get_object(self):
        need = object_or_404(Need, self.kwargs["pk"])
        if not self.get_queryset().filter(pk=need.pk).exists():
            raise NotFound()
        return need

    @extend_schema(
        request=NeedInputSerializer,
        responses={201: NeedSerializer},
        tags=["crisis"],
        summary="Post a need for your authority, with the data offers must give",
    )
    def create(self, request):
        data = json_object(request)
        check_form_types(data, {**NeedForm.base_fields, "owner": NeedForm.base_fields["incident"]})
        incident = data.get("incident")
        if incident is not None and not str(incident).isdigit():
            found = Incident.objects.filter(key=incident).first()
            data["incident"] = found.pk if found else -1
        owner = None
        if data.get("owner") not in (None, ""):
            # A platform admin posts for an authority; anyone else only for their own.
            owner = organisation_by_id_or_key(str(data.pop("owner")))
            if owner is None:
                raise serializers.ValidationError({"owner": [_("Ukendt organisation.")]})
        need = services.need_create(actor=request.user, data=form_data_for(data, NeedForm), owner=owner)
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TransitionSerializer,
        responses={200: NeedSerializer},
        tags=["crisis"],
        summary="open ⇄ fulfilled/closed (409 otherwise)",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        return Response(
            NeedSerializer(run_transition(request, services.need_transition, need=self.get_object())).data
        )

    @extend_schema(
        request=None,
        responses={200: NeedSerializer},
        tags=["crisis"],
        parameters=[OpenApiParameter("days", int)],
        summary="Confirm the need still stands (freshness)",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        days = (
            request.data.get("days", request.query_params.get("days", 7))
            if isinstance(request.data, dict)
            else 7
        )
        try:
            # A whole number (or its text from the query string); JSON true is not 1 day.
            if not isinstance(days, int | str) or isinstance(days, bool):
                raise TypeError
            days = int(days)
        except (TypeError, ValueError, OverflowError):
            raise serializers.ValidationError({"days": [_("Et helt tal.")]}) from None
        return Response(
            NeedSerializer(services.need_confirm(actor=request.user, need=self.get_object(), days=days)).data
        )

    @extend_schema(
        tags=["crisis"],
        responses={200: VolunteerMatchSerializer(many=True)},
        summary="Volunteers matching the need by skill and distance (owner only)",
    )
    @action(detail=True, methods=["get"])
    def volunteers(self, request, pk=None):
        need = self.get_object()
        if not permissions.can_manage_need(request.user, need):
            raise PermissionDeniedError(_("Kun behovets myndighed ser de frivillige."))
        return Response(VolunteerMatchSerializer(volunteers_for_need(need), many=True).data)

    @extend_schema(
        tags=["crisis"],
        parameters=[EXPORT_PARAM],
        responses=EXPORT_RESPONSES,
        summary="Export the needs you can see (CSV, XLSX, HXL)",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        return export_response(request, lambda fmt: exports.export_needs(queryset, fmt), "behov")
