"""Output shapes of offers: the offerer's view with the private link, the authority's view
(contact data only for the authority the offer is routed to) and the receipt."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videnbro.core.api_fields import LabelField, LabelListField

from .. import permissions
from ..models import Offer, OfferEvent
from ..taxonomy import ITEM_CHOICES, OfferPeriod, Terms
from .incidents import CrisisOrganisationSerializer
from .labels import PlaceLabelField, focus_area_labels


class OfferReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = LabelField(source="status", choices=Offer.Status)
    status_url = serializers.CharField()


class OfferEventSerializer(serializers.ModelSerializer):
    kind_label = LabelField(source="kind", choices=OfferEvent.Kind)
    from_status_label = LabelField(source="from_status", choices=Offer.Status, allow_null=True)
    to_status_label = LabelField(source="to_status", choices=Offer.Status, allow_null=True)

    class Meta:
        model = OfferEvent
        fields = [
            "kind",
            "kind_label",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "note",
            "created",
        ]


class OfferOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_verified = serializers.BooleanField()


class OfferNeedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    authority = serializers.CharField(source="owner.name")


class OfferStatusSerializer(serializers.ModelSerializer):
    """What the offerer sees with the private link."""

    status_label = LabelField(source="status", choices=Offer.Status)
    focus_area = serializers.CharField(source="category")
    focus_area_label = LabelField(source="category", lookup=focus_area_labels)
    item_label = LabelField(source="item", choices=ITEM_CHOICES)
    per_period_label = LabelField(source="per_period", choices=OfferPeriod)
    organisation = OfferOrganisationSerializer(read_only=True, allow_null=True)
    need = serializers.SerializerMethodField()
    # The offerer sees the trail without the names of the staff involved.
    events = OfferEventSerializer(many=True, read_only=True)
    processed = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "reference",
            "status",
            "status_label",
            "focus_area",
            "focus_area_label",
            "item",
            "item_label",
            "organisation",
            "need",
            "title",
            "description",
            "quantity",
            "unit",
            "per_period",
            "per_period_label",
            "available_from",
            "available_until",
            "processed",
            "events",
            "created",
        ]

    @extend_schema_field(OfferNeedSerializer(allow_null=True))
    def get_need(self, offer: Offer) -> dict[str, Any] | None:
        need = offer.matched_need or offer.need
        return OfferNeedSerializer(need).data if need else None

    def get_processed(self, offer: Offer) -> bool:
        return offer.processed_at is not None


class ClaimOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OfferClaimSerializer(serializers.Serializer):
    """An organisation the offer names but is not attributed to (issue 12, finding 5)."""

    organisation = ClaimOrganisationSerializer(source="claimed_organisation")
    reasons = serializers.ListField(child=serializers.CharField(), source="claim_reasons")
    reasons_label = LabelListField(source="claim_reasons", choices=Offer.ClaimReason)
    confirmed = serializers.SerializerMethodField()

    def get_confirmed(self, offer: Offer) -> bool:
        return offer.claim_confirmed_at is not None


class OfferContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    email = serializers.CharField(source="contact_email")
    phone = serializers.CharField(source="contact_phone")


class OfferSerializer(OfferStatusSerializer):
    """The authority's view; contact data only for the authority the offer is routed to."""

    offerer_type_label = LabelField(source="offerer_type", choices=Offer.OffererType)
    municipality: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    municipality_label = PlaceLabelField(source="municipality", allow_null=True)
    terms_label = LabelField(source="terms", choices=Terms, allow_null=True)
    resolution_label = LabelField(source="resolution", choices=Offer.Resolution, allow_null=True)
    routed_to = CrisisOrganisationSerializer(read_only=True, allow_null=True)
    duplicate_of: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    contact = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField()

    class Meta(OfferStatusSerializer.Meta):
        fields = [
            *OfferStatusSerializer.Meta.fields,
            "incident",
            "offerer_type",
            "offerer_type_label",
            "offerer_name",
            "offerer_cvr",
            "municipality",
            "municipality_label",
            "location",
            "terms",
            "terms_label",
            "price",
            "certifications",
            "details",
            "category_classified",
            "category_confidence",
            "resolution",
            "resolution_label",
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

    @extend_schema_field(OfferClaimSerializer(allow_null=True))
    def get_claim(self, offer: Offer) -> dict[str, Any] | None:
        if offer.claimed_organisation_id is None:
            return None
        return OfferClaimSerializer(offer).data

    @extend_schema_field(OfferContactSerializer(allow_null=True))
    def get_contact(self, offer: Offer) -> dict[str, Any] | None:
        if not permissions.can_see_offer_contact(self.context["request"].user, offer):
            return None
        return OfferContactSerializer(offer).data
