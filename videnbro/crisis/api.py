"""Crisis endpoints under /api/v1/: incidents, needs, offers (the front door), volunteers,
the three-frame capacity overview and exports (CSV, XLSX, HXL)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from videnbro.core.api import object_or_404
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.strict_input import StrictCharField, check_form_types, form_data
from videnbro.core.throttling import OfferRateThrottle
from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.selectors import organisation_by_id_or_key

from . import exports, permissions, services
from .forms import IncidentForm, NeedForm, OfferForm, VolunteerForm
from .frames import capacity_frames
from .matching import volunteers_for_need
from .models import Incident, Need, Offer, Volunteer
from .report import evaluate
from .selectors import (
    NeedFilter,
    OfferFilter,
    needs_visible_to,
    offers_visible_to,
    order_offers,
)
from .signing import check_offer_token, offer_status_path, volunteer_token
from .taxonomy import ITEM_CHOICES, OfferPeriod, Skill

# ---------------------------------------------------------------------------------------------
# Serializers (output shapes and the documented input of the front door)


class CrisisOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    is_verified = serializers.BooleanField()


class IncidentSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    municipalities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    responsible = CrisisOrganisationSerializer(many=True, read_only=True)
    partnerships = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "key",
            "title",
            "title_en",
            "kind",
            "status",
            "description",
            "starts_on",
            "ends_on",
            "regions",
            "municipalities",
            "responsible",
            "partnerships",
            "declared_at",
            "stood_down_at",
        ]

    def get_partnerships(self, incident) -> int:
        annotated = getattr(incident, "partnership_count", None)
        return annotated if annotated is not None else incident.partnerships.count()


class NeedSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="key", read_only=True)
    owner = CrisisOrganisationSerializer(read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    category = serializers.CharField(source="focus_area")
    is_expired = serializers.SerializerMethodField()
    offer_url = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            "incident",
            "owner",
            "title",
            "description",
            "category",
            "item",
            "skills",
            "quantity",
            "unit",
            "per_period",
            "needed_by",
            "priority",
            "region",
            "municipality",
            "location",
            "requirements",
            "status",
            "confirmed_at",
            "expires_at",
            "is_expired",
            "offer_url",
            "created",
        ]

    def get_is_expired(self, need) -> bool:
        from django.utils import timezone

        return need.expires_at <= timezone.now()

    def get_offer_url(self, need) -> str:
        from django.urls import reverse

        return reverse("crisis:offer_for_need", kwargs={"pk": need.pk})


class NeedInputSerializer(serializers.Serializer):
    """Documented input; validated by the need form in the service."""

    incident = serializers.CharField(help_text="Incident key or id")
    owner = serializers.CharField(
        required=False, help_text="Authority id or key (platform admins only; default: your own organisation)"
    )
    title = serializers.CharField()
    description = serializers.CharField(required=False)
    item = serializers.ChoiceField(choices=ITEM_CHOICES)
    focus_area = serializers.ChoiceField(choices=FocusArea.choices, required=False)
    skills = serializers.ListField(child=serializers.ChoiceField(choices=Skill.choices), required=False)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    unit = serializers.CharField(required=False)
    per_period = serializers.ChoiceField(choices=OfferPeriod.choices, required=False)
    needed_by = serializers.DateField(required=False)
    priority = serializers.CharField(required=False)
    region = serializers.CharField(required=False)
    municipality = serializers.CharField(required=False)
    location = serializers.CharField(required=False)
    requirements = serializers.ListField(child=serializers.CharField(), required=False)
    valid_days = serializers.IntegerField(required=False)
    publish = serializers.BooleanField(required=False)


class OfferInputSerializer(serializers.Serializer):
    """Documented input of POST /api/v1/offers/ (validated by the offer form)."""

    offerer_type = serializers.ChoiceField(choices=Offer.OffererType.choices, required=False)
    offerer_name = serializers.CharField()
    offerer_cvr = serializers.CharField(required=False)
    contact_name = serializers.CharField(required=False)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(required=False)
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.ChoiceField(
        choices=FocusArea.choices, required=False, help_text="Classified from the text when absent"
    )
    item = serializers.ChoiceField(choices=ITEM_CHOICES, required=False)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    unit = serializers.CharField(required=False)
    per_period = serializers.ChoiceField(choices=OfferPeriod.choices, required=False)
    available_from = serializers.DateField(required=False)
    available_until = serializers.DateField(required=False)
    municipality = serializers.CharField(required=False, help_text="Code (e.g. 101) or name")
    location = serializers.CharField(required=False)
    terms = serializers.ChoiceField(choices=[("donation", "donation"), ("price", "price")], required=False)
    price = serializers.CharField(required=False)
    certifications = serializers.CharField(required=False)
    need = serializers.IntegerField(required=False)
    ce_marking = serializers.BooleanField(required=False)
    standard = serializers.CharField(required=False)
    delivery_days = serializers.IntegerField(required=False)
    daily_capacity = serializers.IntegerField(required=False)
    expiry_date = serializers.DateField(required=False)
    danish_authorisation = serializers.BooleanField(required=False)


class OfferReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    status_url = serializers.CharField()


class OfferEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    created = serializers.DateTimeField()


class OfferStatusSerializer(serializers.ModelSerializer):
    """What the offerer sees with the private link."""

    focus_area = serializers.CharField(source="category")
    organisation = serializers.SerializerMethodField()
    need = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    processed = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "reference",
            "status",
            "focus_area",
            "item",
            "organisation",
            "need",
            "title",
            "description",
            "quantity",
            "unit",
            "per_period",
            "available_from",
            "available_until",
            "processed",
            "events",
            "created",
        ]

    def get_organisation(self, offer) -> dict | None:
        if offer.organisation is None:
            return None
        return {
            "id": offer.organisation.pk,
            "name": offer.organisation.name,
            "is_verified": offer.organisation.is_verified,
        }

    def get_need(self, offer) -> dict | None:
        need = offer.matched_need or offer.need
        return {"id": need.pk, "title": need.title, "authority": need.owner.name} if need else None

    def get_processed(self, offer) -> bool:
        return offer.processed_at is not None

    def get_events(self, offer) -> list[dict]:
        # The offerer sees the trail without the names of the staff involved.
        return OfferEventSerializer(offer.events.all(), many=True).data


class OfferSerializer(OfferStatusSerializer):
    """The authority's view; contact data only for the authority the offer is routed to."""

    routed_to = CrisisOrganisationSerializer(read_only=True, allow_null=True)
    duplicate_of = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    contact = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField()

    class Meta(OfferStatusSerializer.Meta):
        fields = [
            *OfferStatusSerializer.Meta.fields,
            "incident",
            "offerer_type",
            "offerer_name",
            "offerer_cvr",
            "municipality",
            "location",
            "terms",
            "price",
            "certifications",
            "details",
            "category_classified",
            "category_confidence",
            "resolution",
            "resolution_candidates",
            "duplicate_of",
            "match_score",
            "match_reasons",
            "routed_to",
            "first_triaged_at",
            "channel",
            "contact",
            "claim",
        ]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_claim(self, offer) -> dict | None:
        """An organisation the offer names but is not attributed to (issue 12, finding 5)."""
        if offer.claimed_organisation_id is None:
            return None
        return {
            "organisation": {"id": offer.claimed_organisation_id, "name": offer.claimed_organisation.name},
            "reasons": list(offer.claim_reasons),
            "reason_labels": offer.claim_reason_labels,
            "confirmed": offer.claim_confirmed_at is not None,
        }

    def get_contact(self, offer) -> dict | None:
        if not permissions.can_see_offer_contact(self.context["request"].user, offer):
            return None
        return {"name": offer.contact_name, "email": offer.contact_email, "phone": offer.contact_phone}


class TransitionSerializer(serializers.Serializer):
    to = StrictCharField()
    note = StrictCharField(required=False, allow_blank=True, default="")


class VolunteerSerializer(serializers.ModelSerializer):
    """Authorities see skills, municipality and availability – never name or contact data."""

    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "reference",
            "skills",
            "has_danish_authorisation",
            "available_from",
            "available_until",
            "hours_per_week",
            "municipality",
            "travel_radius_km",
            "status",
            "created",
        ]


class VolunteerInputSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField(required=False)
    skills = serializers.ListField(child=serializers.ChoiceField(choices=Skill.choices))
    has_danish_authorisation = serializers.BooleanField(required=False)
    certificates = serializers.CharField(required=False)
    available_from = serializers.DateField(required=False)
    available_until = serializers.DateField(required=False)
    hours_per_week = serializers.IntegerField(required=False)
    municipality = serializers.CharField()
    travel_radius_km = serializers.IntegerField()
    consent = serializers.BooleanField(help_text="Must be true: explicit consent to storage")


# ---------------------------------------------------------------------------------------------
# Helpers

EXPORT_FORMATS = ("csv", "xlsx", "hxl")
EXPORT_PARAM = OpenApiParameter(
    "as", str, enum=list(EXPORT_FORMATS), description="csv, xlsx or hxl (CSV with HXL hashtags)"
)
# What an export answers: CSV and HXL are text/csv, XLSX the Office Open XML sheet.
EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
}


def _object_data(request) -> dict:
    if not isinstance(request.data, dict):
        raise ParseError(_("Forventede et JSON-objekt."))
    return {key: value for key, value in request.data.items()}


def _unknown_fields(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise serializers.ValidationError({name: [_("Ukendt felt.")] for name in unknown})


def _form_data(data: dict, form_class) -> MultiValueDict:
    """Type-checked JSON (a wrong type is a 400 naming the field) as the form's data; JSON lists
    (skills, requirements) become the form's multiple-choice lists."""
    return form_data(data, form_class.base_fields)


def _export(request, rows_fn, stem: str) -> HttpResponse:
    fmt = request.query_params.get("as", "csv")
    if fmt not in EXPORT_FORMATS:
        raise serializers.ValidationError({"as": [_("Vælg csv, xlsx eller hxl.")]})
    content, content_type = rows_fn(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(stem, fmt)}"'
    return response


def _transition(request, fn, **kwargs):
    serializer = TransitionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return fn(
        actor=request.user,
        to=serializer.validated_data["to"],
        note=serializer.validated_data["note"],
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------
# Incidents


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
        request=IncidentSerializer,
        responses={201: IncidentSerializer},
        tags=["crisis"],
        summary="Declare an incident (authority staff)",
    )
    def create(self, request):
        data = _object_data(request)
        incident = services.incident_declare(actor=request.user, data=_form_data(data, IncidentForm))
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TransitionSerializer,
        responses={200: IncidentSerializer},
        tags=["crisis"],
        summary="declared → active → stood_down (409 otherwise)",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        incident = _transition(request, services.incident_transition, incident=self.get_object())
        return Response(IncidentSerializer(incident).data)

    @extend_schema(
        tags=["crisis"], responses={200: OpenApiTypes.OBJECT}, summary="Evaluation figures of an incident"
    )
    @action(detail=True, methods=["get"])
    def evaluation(self, request, pk=None):
        ev = evaluate(self.get_object())
        return Response(
            {
                "offers_total": ev.offers_total,
                "by_status": ev.by_status,
                "offers_per_day": [{"date": d.isoformat(), "offers": n} for d, n in ev.offers_per_day],
                "median_hours_to_first_triage": ev.median_hours_to_first_triage,
                "p90_hours_to_first_triage": ev.p90_hours_to_first_triage,
                "untriaged": ev.untriaged,
                "acceptance_rate": ev.acceptance_rate,
                "fulfilment_rate": ev.fulfilment_rate,
                "duplicates": ev.duplicates,
                "by_focus_area": [
                    {"focus_area": a, "offers": n, "accepted": k} for a, n, k in ev.by_focus_area
                ],
                "top_organisations": [
                    {"organisation": o, "offers": n, "accepted": k} for o, n, k in ev.top_organisations
                ],
                "needs_total": ev.needs_total,
                "needs_fulfilled": ev.needs_fulfilled,
                "partnerships_total": ev.partnerships_total,
                "partnerships_by_focus_area": dict(ev.partnerships_by_focus_area),
            }
        )


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
        data = _object_data(request)
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
        need = services.need_create(actor=request.user, data=_form_data(data, NeedForm), owner=owner)
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
            NeedSerializer(_transition(request, services.need_transition, need=self.get_object())).data
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
        responses={200: VolunteerSerializer(many=True)},
        summary="Volunteers matching the need by skill and distance (owner only)",
    )
    @action(detail=True, methods=["get"])
    def volunteers(self, request, pk=None):
        need = self.get_object()
        if not permissions.can_manage_need(request.user, need):
            raise PermissionDeniedError(_("Kun behovets myndighed ser de frivillige."))
        matches = volunteers_for_need(need)
        return Response(
            [
                {
                    **VolunteerSerializer(m.volunteer).data,
                    "distance_km": m.distance_km,
                    "matching_skills": m.skills,
                }
                for m in matches
            ]
        )

    @extend_schema(
        tags=["crisis"],
        parameters=[EXPORT_PARAM],
        responses=EXPORT_RESPONSES,
        summary="Export the needs you can see (CSV, XLSX, HXL)",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        return _export(request, lambda fmt: exports.export_needs(queryset, fmt), "behov")


# ---------------------------------------------------------------------------------------------
# Offers: the front door

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
                "organisation", "matched_need__owner", "need__owner", "routed_to", "duplicate_of"
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
            from videnbro.core.middleware import too_large

            return too_large(request)
        data = _object_data(request)
        _unknown_fields(data, OFFER_FIELDS)
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
        response = Response(body, status=status.HTTP_201_CREATED)
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
        request=OfferInputSerializer,
        responses={200: OfferStatusSerializer},
        tags=["crisis"],
        parameters=[OpenApiParameter("token", str)],
        summary="The offerer updates quantity/availability or answers a question",
    )
    def partial_update(self, request, pk=None):
        offer = self._offer()
        if self._token_or_staff(offer) != "offerer":
            raise PermissionDeniedError(_("Kun tilbudsgiveren kan rette tilbuddet."))
        data = _object_data(request)
        _unknown_fields(data, {*services.OFFERER_FIELDS, "note"})
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
        offer = _transition(request, services.offer_transition, offer=offer)
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
        return _export(request, lambda fmt: exports.export_offers(queryset, fmt, request.user), "tilbud")


# ---------------------------------------------------------------------------------------------
# Volunteers


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
        responses={201: OpenApiTypes.OBJECT},
        tags=["crisis"],
        summary="Register as a volunteer (explicit consent needed)",
    )
    def create(self, request):
        data = _object_data(request)
        _unknown_fields(data, set(VolunteerInputSerializer().fields))
        volunteer, created = services.volunteer_register(
            data=_form_data(data, VolunteerForm), idempotency_key=request.headers.get("Idempotency-Key")
        )
        from django.urls import reverse

        path = reverse(
            "crisis:volunteer_status",
            kwargs={"reference": volunteer.reference, "token": volunteer_token(volunteer)},
        )
        return Response(
            {
                "id": volunteer.pk,
                "reference": volunteer.reference,
                "status_url": request.build_absolute_uri(path),
            },
            status=status.HTTP_201_CREATED,
        )


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
        if errors:
            raise serializers.ValidationError(errors)
        overview = capacity_frames(authority, item=item, category=category)
        return Response(
            {
                "authority": {"id": authority.pk, "key": authority.key, "name": authority.name},
                "item": overview.item,
                "category": overview.category,
                "needed": [
                    {"unit": u, "per_period": p, "quantity": str(q)} for (u, p), q in overview.needed.items()
                ],
                "frames": [
                    {
                        "frame": f.slug,
                        "label": f.label,
                        "organisations": f.organisation_count,
                        "volunteers": f.volunteers,
                        "totals": [
                            {"unit": u, "per_period": p, "quantity": str(q)} for (u, p), q in f.totals.items()
                        ],
                        "entries": [
                            {
                                "organisation": e.organisation,
                                "text": e.text,
                                "kind": e.kind,
                                "quantity": str(e.quantity) if e.quantity is not None else None,
                                "unit": e.unit,
                                "per_period": e.per_period,
                            }
                            for e in f.entries
                        ],
                    }
                    for f in overview.frames
                ],
            }
        )
