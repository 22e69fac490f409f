"""Offers: the front door (anyone submits; the offerer follows with the private token) and the
authority's inbox (triage, claim, export)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from videnbro.core.api import object_or_404
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.form_input import json_object, refuse_unknown_fields
from videnbro.core.middleware import too_large
from videnbro.core.strict_input import check_form_types
from videnbro.core.throttling import OfferRateThrottle

from .. import exports, permissions, services
from ..filters import OfferFilter
from ..forms import OfferForm
from ..models import Offer
from ..selectors import offers_visible_to, order_offers
from ..serializers import (
    OfferInputSerializer,
    OfferReceiptSerializer,
    OfferSerializer,
    OfferStatusSerializer,
    OfferUpdateInputSerializer,
    TransitionSerializer,
)
from ..signing import check_offer_token, offer_status_path
from .common import EXPORT_PARAM, EXPORT_RESPONSES, export_response, run_transition

OFFER_FORM_FIELDS = OfferForm().fields  # with the fields a need's requirements add
OFFER_FIELDS = set(OFFER_FORM_FIELDS) | {"offerer_type"}


class OfferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OfferSerializer
    filterset_class = OfferFilter

    def get_throttles(self):
        if self.action == "create":
            return [OfferRateThrottle()]  # per user when signed in, else per address
        return super().get_throttles()

    def get_queryset(self):
        # What OfferSerializer reads of each offer (the need's authority, the trail), fetched
        # once per page instead of once per offer.
        return (
            offers_visible_to(self.request.user)
            .select_related("matched_need__owner", "need__owner")
            .prefetch_related("events")
        )

    def filter_queryset(self, queryset):
        filterset = OfferFilter(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        return order_offers(filterset.qs, filterset.ordering_value)

    def _offer(self) -> Offer:
        return object_or_404(
            Offer.objects.select_related(
                "organisation",
                "matched_need__owner",
                "need__owner",
                "routed_to",
                "duplicate_of",
                "municipality",
            ),
            self.kwargs["pk"],
        )

    def _token(self) -> str | None:
        return self.request.query_params.get("token") or self.request.headers.get("X-Offer-Token")

    def _token_or_staff(self, offer: Offer) -> str:
        token = self._token()
        if token is not None:
            if check_offer_token(offer, token):
                return "offerer"
            raise NotFound()
        if permissions.can_see_offer(self.request.user, offer):
            return "staff"
        raise NotFound()  # never reveal that an offer exists

    @extend_schema(summary="The inbox: offers routed to your authority and unrouted ones", tags=["crisis"])
    def list(self, request):
        if not permissions.is_authority(request.user):
            raise PermissionDeniedError(_("Kun myndighedsmedarbejdere ser indbakken."))
        return super().list(request)

    @extend_schema(
        request=OfferInputSerializer,
        responses={201: OfferReceiptSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Repeat a request safely: the same key and "
                "body return the same offer; another body answers 409",
            )
        ],
        tags=["crisis"],
        summary="Submit an offer (no account needed); stored before the answer is sent",
    )
    def create(self, request):
        if len(request.body) > settings.OFFER_MAX_BYTES:
            return too_large(request)
        data = json_object(request)
        refuse_unknown_fields(data, OFFER_FIELDS)
        check_form_types(data, OFFER_FORM_FIELDS)
        result = services.offer_submit(
            data=data,
            actor=request.user if request.user.is_authenticated else None,
            idempotency_key=request.headers.get("Idempotency-Key"),
            channel="api",
            language=get_language() or "da",
        )
        offer = result.offer
        body = {
            "id": offer.pk,
            "reference": offer.reference,
            "status": offer.status,
            "status_url": request.build_absolute_uri(offer_status_path(offer)),
        }
        response = Response(OfferReceiptSerializer(body).data, status=status.HTTP_201_CREATED)
        if not result.created:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(
        responses={200: OfferSerializer},
        tags=["crisis"],
        parameters=[OpenApiParameter("token", str, description="From status_url")],
        summary="One offer: for the authority, or for the offerer with the token",
    )
    def retrieve(self, request, pk=None):
        offer = self._offer()
        who = self._token_or_staff(offer)
        serializer = OfferStatusSerializer if who == "offerer" else OfferSerializer
        return Response(serializer(offer, context={"request": request}).data)

    @extend_schema(
        request=OfferUpdateInputSerializer,
        responses={200: OfferStatusSerializer},
        tags=["crisis"],
        parameters=[OpenApiParameter("token", str)],
        summary="The offerer updates quantity/availability or answers a question",
    )
    def partial_update(self, request, pk=None):
        offer = self._offer()
        if self._token_or_staff(offer) != "offerer":
            raise PermissionDeniedError(_("Kun tilbudsgiveren kan rette tilbuddet."))
        data = json_object(request)
        refuse_unknown_fields(data, {*services.OFFERER_FIELDS, "note"})
        check_form_types(data, OFFER_FORM_FIELDS, text_fields=("note",))
        offer = services.offer_update_by_offerer(
            offer=offer, token=self._token(), data=data, note=str(data.pop("note", "") or "")
        )
        return Response(OfferStatusSerializer(offer).data)

    @extend_schema(
        request=None,
        responses={200: OfferStatusSerializer},
        tags=["crisis"],
        parameters=[OpenApiParameter("token", str)],
        summary="The offerer withdraws the offer",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        offer = self._offer()
        if self._token_or_staff(offer) != "offerer":
            raise PermissionDeniedError(_("Kun tilbudsgiveren kan trække tilbuddet tilbage."))
        note = request.data.get("note", "") if isinstance(request.data, dict) else ""
        check_form_types({"note": note}, {}, text_fields=("note",))
        return Response(
            OfferStatusSerializer(services.offer_withdraw(offer=offer, token=self._token(), note=note)).data
        )

    @extend_schema(
        request=TransitionSerializer,
        responses={200: OfferSerializer},
        tags=["crisis"],
        summary="Triage: new → in_review → accepted | needs_information | declined "
        "→ fulfilled (409 with the allowed ones otherwise)",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        offer = self._offer()
        self._token_or_staff(offer)
        offer = run_transition(request, services.offer_transition, offer=offer)
        return Response(OfferSerializer(self._reload(offer), context={"request": request}).data)

    @extend_schema(
        request=None,
        responses={200: OfferSerializer},
        tags=["crisis"],
        summary="Take an unrouted offer into your authority's inbox",
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        offer = self._offer()
        self._token_or_staff(offer)
        offer = services.offer_claim(actor=request.user, offer=offer)
        return Response(OfferSerializer(self._reload(offer), context={"request": request}).data)

    @extend_schema(
        request=None,
        responses={200: OfferSerializer},
        tags=["crisis"],
        summary="Confirm that the offer comes from the organisation it claims "
        "(409 when there is no unconfirmed claim)",
    )
    @action(detail=True, methods=["post"], url_path="confirm-claim")
    def confirm_claim(self, request, pk=None):
        offer = self._offer()
        self._token_or_staff(offer)
        offer = services.offer_confirm_claim(actor=request.user, offer=offer)
        return Response(OfferSerializer(self._reload(offer), context={"request": request}).data)

    def _reload(self, offer):
        self.kwargs["pk"] = offer.pk
        return self._offer()

    @extend_schema(
        tags=["crisis"],
        parameters=[EXPORT_PARAM],
        responses=EXPORT_RESPONSES,
        summary="Export your inbox (CSV, XLSX, HXL)",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        if not permissions.is_authority(request.user):
            raise PermissionDeniedError(_("Kun myndighedsmedarbejdere kan eksportere tilbud."))
        queryset = self.filter_queryset(self.get_queryset())
        return export_response(
            request, lambda fmt: exports.export_offers(queryset, fmt, request.user), "tilbud"
        )
