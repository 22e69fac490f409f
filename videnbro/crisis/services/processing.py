"""Processing an offer after intake (in a worker): classify it, resolve the offerer against
the registry, detect duplicates, match it to an open need and route it to that need's
authority. The task `process_offer` is defined here beside the function it runs, as pretix
defines `perform_order` beside `_perform_order`; `sweep_unprocessed` re-enqueues lost work.

Tasks are idempotent: a task run twice (a worker killed after the work but before marking
the task done, or the sweeper re-enqueueing) changes nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from videnbro.core.audit import SYSTEM, audit_log
from videnbro.core.tasks import enqueue
from videnbro.matching.classifier import classify
from videnbro.matching.duplicates import near_duplicate_texts
from videnbro.registry.models import Kind, Organisation
from videnbro.registry.resolver import name_matches, organisation_resolve
from videnbro.registry.selectors import contact_in_website_domain, contact_is_confirmed
from videnbro.registry.services import organisation_create

from ..matching import best_need_for_offer
from ..models import Offer, OfferEvent
from ..selectors import offers_to_sweep
from ..taxonomy import item_for_text

DUPLICATE_WINDOW = timedelta(days=30)
DUPLICATE_THRESHOLD = 0.9


@dataclass
class OffererResolution:
    organisation: Organisation | None
    resolution: str
    candidates: list[dict[str, Any]]
    claimed: Organisation | None = None
    claim_reasons: list[str] = field(default_factory=list)


def _claim_reasons(found: Organisation, offer: Offer, *, name_checked: bool = False) -> list[str]:
    """Why an offer naming a verified organisation is only a claim (issue 12, finding 5):
    its name is not the organisation's (beyond the spelling variants the resolver accepts) or
    its contact address is not exactly one of the organisation's registered contact persons'
    (an address in its website's domain is flagged as such, but still only a claim). An
    unverified organisation is staff-only anyway, so naming one is no claim to anything
    public."""
    if not found.is_verified:
        return []
    reasons = []
    if not name_checked and not name_matches(found, offer.offerer_name):
        reasons.append(Offer.ClaimReason.NAME_DIFFERS)
    if not contact_is_confirmed(found, offer.contact_email):
        # Only a registered contact person confirms; the website's domain is a typed address.
        reasons.append(
            Offer.ClaimReason.CONTACT_DOMAIN_ONLY
            if contact_in_website_domain(found, offer.contact_email)
            else Offer.ClaimReason.CONTACT_UNCONFIRMED
        )
    return [str(r) for r in reasons]


def _resolve_offerer(offer: Offer) -> OffererResolution:
    if offer.offerer_type == Offer.OffererType.PERSON:
        return OffererResolution(None, Offer.Resolution.PERSON, [])
    if offer.offerer_cvr:
        found = Organisation.objects.filter(cvr=offer.offerer_cvr).first()
        if found is not None:
            if reasons := _claim_reasons(found, offer):
                return OffererResolution(None, Offer.Resolution.CLAIM, [], found, reasons)
            return OffererResolution(found, Offer.Resolution.CVR, [])
    # Unverified records count here: a second offer from the same unknown sender finds the
    # record the first one created instead of creating another.
    resolution = organisation_resolve(offer.offerer_name, include_unverified=True)
    candidates = [{"id": c.id, "name": c.name, "score": round(c.score, 3)} for c in resolution.candidates]
    if resolution.match is not None:
        found = Organisation.objects.filter(pk=resolution.match.id).first()
        # A different CVR on record means a different legal entity: never merge silently.
        if found is not None and not (offer.offerer_cvr and found.cvr and found.cvr != offer.offerer_cvr):
            if reasons := _claim_reasons(found, offer, name_checked=True):
                return OffererResolution(None, Offer.Resolution.CLAIM, candidates, found, reasons)
            return OffererResolution(found, Offer.Resolution.RESOLVER, candidates)
    return OffererResolution(None, Offer.Resolution.CREATED, candidates)


def _create_unverified(offer: Offer) -> Organisation:
    if offer.offerer_cvr:
        existing = Organisation.objects.filter(cvr=offer.offerer_cvr).first()
        if existing is not None:
            return existing
    return organisation_create(
        actor=SYSTEM,
        name=offer.offerer_name,
        kind=Kind.COMPANY if offer.offerer_cvr else Kind.OTHER,
        cvr=offer.offerer_cvr or None,
        municipality=offer.municipality,
        region=offer.municipality.region if offer.municipality else None,
        is_verified=False,
        description=_("Oprettet automatisk fra tilbud %(ref)s; ikke verificeret.") % {"ref": offer.reference},
    )


def _duplicate_of(offer: Offer) -> Offer | None:
    since = offer.created - DUPLICATE_WINDOW
    same_offerer = (
        Offer.objects.filter(created__gte=since, created__lte=offer.created, duplicate_of__isnull=True)
        .exclude(pk=offer.pk)
        .exclude(status=Offer.Status.WITHDRAWN)
    )
    if offer.organisation_id:
        same_offerer = same_offerer.filter(organisation_id=offer.organisation_id) | same_offerer.filter(
            contact_email__iexact=offer.contact_email
        )
    else:
        same_offerer = same_offerer.filter(contact_email__iexact=offer.contact_email)
    candidates = [(o, f"{o.title} {o.description}") for o in same_offerer.order_by("created")[:50]]
    found = near_duplicate_texts(
        f"{offer.title} {offer.description}", candidates, threshold=DUPLICATE_THRESHOLD
    )
    if not found:
        return None
    return min((o for o, _score in found if isinstance(o, Offer)), key=lambda o: o.created, default=None)


def offer_process(offer_id: int) -> str:
    """Classify, resolve the offerer, detect duplicates, match to open needs and route.

    Idempotent: an offer already processed is left as it is."""
    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is None or offer.processed_at is not None:
        return "skipped"
    with override(offer.language if offer.language in ("da", "en") else "da"):
        text = f"{offer.title}. {offer.description}"
        category, confidence, classified = offer.category, None, False
        if not category:
            result = classify(text[:5000])
            category, confidence, classified = result.focus_area, result.confidence, True
        item = offer.item
        if not item:
            item = item_for_text(f"{offer.title} {offer.description}")
        resolved = _resolve_offerer(offer)
        organisation, resolution, candidates = (
            resolved.organisation,
            resolved.resolution,
            resolved.candidates,
        )
        with transaction.atomic():
            offer = Offer.objects.select_for_update().get(pk=offer_id)
            if offer.processed_at is not None:
                return "skipped"
            if resolution == Offer.Resolution.CREATED:
                try:
                    with transaction.atomic():
                        organisation = _create_unverified(offer)
                except ValidationError:
                    # The registry refused the record (e.g. a CVR taken meanwhile): the offer
                    # is still processed and routed; the authority resolves the offerer by hand.
                    organisation, resolution = None, ""
            offer.category, offer.category_confidence = category, confidence
            offer.category_classified = classified
            offer.item = item
            offer.organisation, offer.resolution = organisation, resolution
            offer.resolution_candidates = candidates
            offer.claimed_organisation = resolved.claimed
            offer.claim_reasons = resolved.claim_reasons
            offer.duplicate_of = _duplicate_of(offer)
            score: float | None
            if offer.need_id:
                need, score, reasons = offer.need, 1.0, [_("tilbuddet er givet til behovet")]
            else:
                need, score, reasons = best_need_for_offer(offer)
            offer.matched_need, offer.match_score, offer.match_reasons = need, score, reasons
            if need is not None:
                offer.incident_id = offer.incident_id or need.incident_id
                offer.routed_to_id = need.owner_id
            offer.processed_at = timezone.now()
            offer.save()
            summary = _("Kategori: %(c)s%(how)s. Tilbudsgiver: %(o)s (%(r)s).%(dup)s %(route)s") % {
                "c": offer.get_category_display(),
                "how": _(" (foreslået, sikkerhed %(p)s %%)") % {"p": round(confidence * 100)}
                if classified and confidence is not None
                else "",
                # A private person's name never goes into the trail (issue 12, personal
                # data): it would outlive the erasure of the offer's contact data.
                "o": organisation.name
                if organisation
                else (
                    offer.get_offerer_type_display()
                    if offer.offerer_type == Offer.OffererType.PERSON
                    else offer.offerer_name
                ),
                "r": offer.get_resolution_display(),
                "dup": (
                    " " + _("Mulig dublet af %(ref)s.") % {"ref": offer.duplicate_of.reference}
                    if offer.duplicate_of
                    else ""
                )
                + (
                    " "
                    + _(
                        "Angiver at være %(org)s, men det er ikke bekræftet: %(why)s. "
                        "Bekræft eller afvis i triagen."
                    )
                    % {"org": resolved.claimed.name, "why": "; ".join(offer.claim_reason_labels)}
                    if resolved.claimed
                    else ""
                ),
                "route": _("Sendt til %(org)s (behov: %(need)s).")
                % {"org": need.owner.name, "need": need.title}
                if need
                else _("Intet åbent behov matchede; tilbuddet ligger i den fælles indbakke."),
            }
            OfferEvent.objects.create(
                offer=offer, kind=OfferEvent.Kind.PROCESSED, actor_label="system", note=summary
            )
            audit_log(
                actor=SYSTEM,
                action="crisis.offer.processed",
                obj=offer,
                data={
                    "category": category,
                    "organisation": organisation.pk if organisation else None,
                    "need": need.pk if need else None,
                    "score": score,
                    "duplicate_of": offer.duplicate_of_id,
                    "claimed_organisation": offer.claimed_organisation_id,
                    "claim_reasons": offer.claim_reasons,
                },
            )
    return "processed"


@task()
def process_offer(offer_id: int) -> str:
    """The worker's entry point for one offer (enqueued by `offer_submit` and the sweeper)."""
    return offer_process(offer_id)


def sweep_unprocessed(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Re-enqueue offers whose processing never finished (a lost enqueue, a crashed worker)."""
    count = 0
    for offer_id in offers_to_sweep(older_than).values_list("pk", flat=True):
        with transaction.atomic():
            enqueue(process_offer, offer_id)
        count += 1
    return count
