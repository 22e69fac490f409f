"""Triage by the authority: moving offers through the offer state machine (one or many),
asking the offerer for information, taking unrouted offers and confirming an offerer's claim
to speak for an organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from videnbro.accounts.types import Actor
from videnbro.core.errors import ConflictError, PermissionDeniedError

from .. import permissions
from ..models import Offer, OfferEvent
from ..workflows import OFFER_MACHINE
from .events import acting_user, notify_offerer, record_offer_event

# A decline or a question goes to the offerer: it needs words.
NOTE_REQUIRED = {Offer.Status.DECLINED, Offer.Status.NEEDS_INFORMATION}
# Steps the offerer hears about by e-mail.
NOTIFY = (Offer.Status.NEEDS_INFORMATION, Offer.Status.ACCEPTED, Offer.Status.DECLINED)


def offer_transition(*, actor: Actor, offer: Offer, to: str, note: str = "") -> Offer:
    if not permissions.can_triage_offer(actor, offer):
        raise PermissionDeniedError(_("Tilbuddet er ikke sendt til din myndighed."))
    note = (note or "").strip()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        OFFER_MACHINE.check(offer.status, to, _("Tilbuddet kan ikke gå fra »%(f)s« til »%(t)s«."))
        if to in NOTE_REQUIRED and not note:
            raise ValidationError({"note": [_("Skriv en begrundelse til tilbudsgiveren.")]})
        before, offer.status = offer.status, to
        if offer.first_triaged_at is None:
            offer.first_triaged_at = timezone.now()
        offer.save(update_fields=["status", "first_triaged_at", "updated"])
        kind = (
            OfferEvent.Kind.REQUEST_INFO
            if to == Offer.Status.NEEDS_INFORMATION
            else OfferEvent.Kind.TRANSITION
        )
        record_offer_event(offer, actor=actor, kind=kind, before=before, note=note)
        if to in NOTIFY:
            with override(offer.language if offer.language in ("da", "en") else "da"):
                subject = _("Dit tilbud %(ref)s: %(status)s") % {
                    "ref": offer.reference,
                    "status": offer.get_status_display(),
                }
                notify_offerer(offer, subject, note or offer.get_status_display())
    return offer


def offer_request_information(*, actor: Actor, offer: Offer, message: str) -> Offer:
    """ "Ask for information": the offer waits for the offerer, who gets the question by e-mail
    and on the status page, and answers by updating the offer."""
    if not (message or "").strip():
        raise ValidationError({"message": [_("Skriv, hvilke oplysninger der mangler.")]})
    offer.refresh_from_db()
    if offer.status == Offer.Status.NEW and permissions.can_triage_offer(actor, offer):
        offer = offer_transition(actor=actor, offer=offer, to=Offer.Status.IN_REVIEW)
    return offer_transition(actor=actor, offer=offer, to=Offer.Status.NEEDS_INFORMATION, note=message.strip())


@dataclass
class BulkResult:
    done: list[Offer]
    skipped: list[tuple[Offer, str]]


def offer_bulk_transition(*, actor: Actor, offers: Iterable[Offer], to: str, note: str = "") -> BulkResult:
    """Each offer in its own transaction: one that cannot move is reported, not fatal."""
    result = BulkResult([], [])
    for offer in offers:
        try:
            result.done.append(offer_transition(actor=actor, offer=offer, to=to, note=note))
        except (ConflictError, PermissionDeniedError) as exc:
            result.skipped.append((offer, exc.message))
        except ValidationError as exc:
            result.skipped.append((offer, "; ".join(exc.messages)))
    return result


def offer_claim(*, actor: Actor, offer: Offer) -> Offer:
    """An authority takes an offer that no need matched into its own inbox."""
    organisation = getattr(actor, "organisation", None)
    if not permissions.is_authority(actor) or organisation is None:
        raise PermissionDeniedError(_("Kun myndighedsmedarbejdere kan overtage tilbud."))
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.routed_to_id not in (None, organisation.pk):
            raise ConflictError(
                _("Tilbuddet er allerede sendt til %(o)s.") % {"o": getattr(offer.routed_to, "name", "")}
            )
        offer.routed_to_id = organisation.pk
        offer.save(update_fields=["routed_to", "updated"])
        record_offer_event(
            offer,
            actor=actor,
            kind=OfferEvent.Kind.ROUTED,
            note=_("Overtaget af %(o)s") % {"o": organisation.name},
        )
    return offer


def offer_confirm_claim(*, actor: Actor, offer: Offer) -> Offer:
    """Staff have checked that the sender really speaks for the organisation the offer names
    (issue 12, finding 5): the offer is attributed to it from now on."""
    if not permissions.can_confirm_offer_claim(actor, offer):
        raise PermissionDeniedError(
            _("Kun myndigheden, som tilbuddet er sendt til, kan bekræfte tilbudsgiverens organisation.")
        )
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        organisation = offer.claimed_organisation
        if organisation is None or offer.claim_confirmed_at is not None:
            raise ConflictError(_("Tilbuddet har ingen ubekræftet påstand om en organisation."))
        offer.organisation = organisation
        offer.resolution = (
            Offer.Resolution.CVR
            if offer.offerer_cvr and offer.offerer_cvr == organisation.cvr
            else Offer.Resolution.RESOLVER
        )
        offer.claim_confirmed_at = timezone.now()
        offer.claim_confirmed_by = acting_user(actor)
        offer.save(
            update_fields=[
                "organisation",
                "resolution",
                "claim_confirmed_at",
                "claim_confirmed_by",
                "updated",
            ]
        )
        record_offer_event(
            offer,
            actor=actor,
            kind=OfferEvent.Kind.CLAIM_CONFIRMED,
            before=offer.status,
            note=_("Tilbudsgiveren er bekræftet som %(org)s.") % {"org": organisation.name},
        )
    return offer
