"""Reads of the crisis front door: who sees which needs and offers, with the inbox filters
shared by the API and the web pages."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from videnbro.accounts.types import Actor
from videnbro.core.statemachine import StateMachine

from . import permissions
from .models import Incident, Need, Offer
from .workflows import (
    INCIDENT_MACHINE,
    NEED_MACHINE,
    OFFER_MACHINE,
    OFFERER_CAN_WITHDRAW,
    OFFERER_CANNOT_UPDATE,
)


def open_needs() -> QuerySet[Need]:
    """Needs that take offers: open, not expired, in an incident that is not stood down."""
    return Need.objects.filter(status=Need.Status.OPEN, expires_at__gt=timezone.now()).exclude(
        incident__status=Incident.Status.STOOD_DOWN
    )


def _machine(obj: Incident | Need | Offer) -> StateMachine:
    if isinstance(obj, Incident):
        return INCIDENT_MACHINE
    if isinstance(obj, Need):
        return NEED_MACHINE
    return OFFER_MACHINE


def allowed_moves(obj: Incident | Need | Offer) -> list[str]:
    """The statuses an incident, a need or an offer (triage) may move to now, sorted."""
    return _machine(obj).allowed(obj.status)


def moves_for(obj: Incident | Need | Offer) -> list[tuple[str, str]]:
    """The allowed moves as (code, label) pairs for a page's buttons."""
    status = type(obj).Status
    return [(code, str(status(code).label)) for code in allowed_moves(obj)]


def offerer_can_withdraw(offer: Offer) -> bool:
    return offer.status in OFFERER_CAN_WITHDRAW


def offerer_can_update(offer: Offer) -> bool:
    return offer.status not in OFFERER_CANNOT_UPDATE


def offers_of_email(email: str) -> QuerySet[Offer]:
    """Every offer given with an e-mail address (without case), newest first."""
    return Offer.objects.filter(contact_email__iexact=email).order_by("-created")


def offers_to_sweep(older_than: timedelta = timedelta(minutes=5)) -> QuerySet[Offer]:
    """Offers whose processing never finished although it should have by now."""
    return Offer.objects.filter(processed_at__isnull=True, created__lt=timezone.now() - older_than)


def needs_visible_to(user: Actor) -> QuerySet[Need]:
    """Anyone: open needs that have not expired, in incidents that are not stood down;
    authorities also all their own needs (drafts, closed, expired); admins everything."""
    base = Need.objects.select_related("incident", "owner", "region", "municipality")
    public = Q(status=Need.Status.OPEN, expires_at__gt=timezone.now()) & ~Q(
        incident__status=Incident.Status.STOOD_DOWN
    )
    if permissions.is_admin(user):
        return base
    if permissions.is_authority(user):
        return base.filter(public | Q(owner_id=getattr(user, "organisation_id", None)))
    return base.filter(public)


def offers_visible_to(user: Actor) -> QuerySet[Offer]:
    base = Offer.objects.select_related(
        "incident",
        "need",
        "matched_need",
        "organisation",
        "claimed_organisation",
        "routed_to",
        "municipality__region",
        "duplicate_of",
    )
    if permissions.is_admin(user):
        return base
    if permissions.is_authority(user):
        return base.filter(Q(routed_to_id=getattr(user, "organisation_id", None)) | Q(routed_to__isnull=True))
    return base.none()


def order_offers(queryset: QuerySet[Offer], ordering: str) -> QuerySet[Offer]:
    if ordering == "oldest":
        return queryset.order_by("created", "pk")
    if ordering == "newest":
        return queryset.order_by("-created", "-pk")
    return queryset.order_by(F("match_score").desc(nulls_last=True), "created", "pk")


def group_duplicates(offers: list[Offer]) -> list[tuple[Offer, list[Offer]]]:
    """The inbox shows each original once with its duplicates under it."""
    by_original: dict[int, list[Offer]] = {}
    originals: list[Offer] = []
    present = {o.pk for o in offers}
    for offer in offers:
        if offer.duplicate_of_id and offer.duplicate_of_id in present:
            by_original.setdefault(offer.duplicate_of_id, []).append(offer)
        else:
            originals.append(offer)
    return [(offer, by_original.get(offer.pk, [])) for offer in originals]
