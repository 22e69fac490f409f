"""Writes of the crisis front door; every one checks permissions, runs in one transaction and
leaves an audit row. The offer intake (`offer_submit`) is the hot path: validate, then one
transaction with the offer, its first event, an audit row and the processing task."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from videnbro.core.audit import SYSTEM, actor_label, attribute_history, audit_log
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.forms import validation_error
from videnbro.core.keys import random_reference
from videnbro.registry.models import Kind, Organisation

from . import permissions
from .forms import IncidentForm, NeedForm, OfferForm, VolunteerForm
from .models import Incident, Need, Offer, OfferEvent, Volunteer, VolunteerContact
from .tasks import enqueue, process_offer, send_email
from .taxonomy import ITEM_BY_SLUG, REQUIREMENT_BY_SLUG

CONSENT_VERSION = "2026-11"
MAX_IDEMPOTENCY_KEY = 100
DUPLICATE_WINDOW = timedelta(days=30)
DUPLICATE_THRESHOLD = 0.9


# ---------------------------------------------------------------------------------------------
# Private links: an offer's status page and a volunteer's own page carry an HMAC of the record,
# so the link can be given again on an idempotent retry without storing a secret.


def _token(kind: str, pk: int, reference: str) -> str:
    return salted_hmac(f"videnbro.crisis.{kind}", f"{pk}:{reference}").hexdigest()[:32]


def offer_token(offer: Offer) -> str:
    return _token("offer", offer.pk, offer.reference)


def volunteer_token(volunteer: Volunteer) -> str:
    return _token("volunteer", volunteer.pk, volunteer.reference)


def check_offer_token(offer: Offer, token: str | None) -> bool:
    return bool(token) and constant_time_compare(offer_token(offer), str(token))


def check_volunteer_token(volunteer: Volunteer, token: str | None) -> bool:
    return bool(token) and constant_time_compare(volunteer_token(volunteer), str(token))


def offer_status_path(offer: Offer) -> str:
    return reverse("crisis:offer_status", kwargs={"reference": offer.reference, "token": offer_token(offer)})


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _check_transition(table: dict[str, set[str]], current: str, to: str, message: str) -> None:
    """409 with the allowed targets when a state machine refuses the move."""
    allowed = table[current]
    if to not in allowed:
        raise ConflictError(
            message % {"f": current, "t": to},
            errors={"to": [message % {"f": current, "t": to}]},
            extra={"allowed": sorted(allowed)},
        )


# ---------------------------------------------------------------------------------------------
# Incidents

INCIDENT_TRANSITIONS = {
    Incident.Status.DECLARED: {Incident.Status.ACTIVE, Incident.Status.STOOD_DOWN},
    Incident.Status.ACTIVE: {Incident.Status.STOOD_DOWN},
    Incident.Status.STOOD_DOWN: set(),
}


def incident_declare(*, actor: Any, data: dict) -> Incident:
    if not permissions.can_declare_incident(actor):
        raise PermissionDeniedError(_("Kun myndighedsmedarbejdere kan erklære en hændelse."))
    form = IncidentForm(data=data)
    if not form.is_valid():
        raise validation_error(form)
    values = form.cleaned_data
    responsible = list(values["responsible"])
    if not responsible and actor.organisation_id:
        responsible = [actor.organisation]
    if not responsible:
        raise ValidationError({"responsible": [_("Angiv mindst én ansvarlig myndighed.")]})
    from videnbro.core.keys import unique_key

    with transaction.atomic():
        incident = Incident(
            key=unique_key(Incident, values["title"], fallback="haendelse"),
            title=values["title"],
            title_en=values["title_en"],
            kind=values["kind"],
            description=values["description"],
            starts_on=values["starts_on"] or timezone.localdate(),
            ends_on=values["ends_on"],
            declared_by=actor,
            declared_at=timezone.now(),
        )
        attribute_history(incident, actor)
        incident.save()
        incident.regions.set(values["regions"])
        incident.municipalities.set(values["municipalities"])
        incident.responsible.set(responsible)
        audit_log(
            actor=actor,
            action="crisis.incident.declared",
            obj=incident,
            data={"title": incident.title, "kind": incident.kind},
        )
    return incident


def incident_transition(*, actor: Any, incident: Incident, to: str, note: str = "") -> Incident:
    if not permissions.can_manage_incident(actor, incident):
        raise PermissionDeniedError(_("Kun en ansvarlig myndighed kan ændre hændelsens status."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        _check_transition(
            INCIDENT_TRANSITIONS, incident.status, to, _("Hændelsen kan ikke gå fra %(f)s til %(t)s.")
        )
        before = incident.status
        incident.status = to
        if to == Incident.Status.STOOD_DOWN:
            incident.stood_down_at = timezone.now()
            incident.ends_on = incident.ends_on or timezone.localdate()
        attribute_history(incident, actor)
        incident.save()
        audit_log(
            actor=actor,
            action="crisis.incident.status",
            obj=incident,
            data={"from": before, "to": to, "note": note},
        )
    return incident


# ---------------------------------------------------------------------------------------------
# Needs


def need_create(*, actor: Any, data: dict, owner: Organisation | None = None) -> Need:
    owner = owner or getattr(actor, "organisation", None)
    if owner is None or not permissions.can_post_need(actor, owner):
        raise PermissionDeniedError(
            _("Kun myndighedsmedarbejdere kan oprette behov for deres egen myndighed.")
        )
    form = NeedForm(data=data)
    if not form.is_valid():
        raise validation_error(form)
    values = form.cleaned_data
    now = timezone.now()
    item = ITEM_BY_SLUG[values["item"]]
    focus_area = values["focus_area"] or item.focus_area
    if not focus_area:
        raise ValidationError({"focus_area": [_("Vælg en kategori for »Andet«.")]})
    municipality = values["municipality"]
    with transaction.atomic():
        need = Need(
            incident=values["incident"],
            owner=owner,
            title=values["title"],
            description=values["description"],
            focus_area=focus_area,
            item=item.slug,
            skills=list(values["skills"]),
            quantity=values["quantity"],
            unit=values["unit"] or (str(item.unit) if values["quantity"] is not None else ""),
            per_period=values["per_period"],
            needed_by=values["needed_by"],
            priority=values["priority"],
            region=values["region"] or (municipality.region if municipality else owner.region),
            municipality=municipality,
            location=values["location"],
            requirements=[slug for slug in values["requirements"] if slug in REQUIREMENT_BY_SLUG],
            status=Need.Status.OPEN if values["publish"] else Need.Status.DRAFT,
            confirmed_at=now,
            expires_at=now + timedelta(days=values["valid_days"]),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        attribute_history(need, actor)
        need.save()
        audit_log(
            actor=actor,
            action="crisis.need.created",
            obj=need,
            data={"title": need.title, "incident": need.incident_id},
        )
    return need


NEED_TRANSITIONS = {
    Need.Status.DRAFT: {Need.Status.OPEN, Need.Status.CLOSED},
    Need.Status.OPEN: {Need.Status.FULFILLED, Need.Status.CLOSED},
    Need.Status.FULFILLED: {Need.Status.OPEN},
    Need.Status.CLOSED: {Need.Status.OPEN},
}


def need_transition(*, actor: Any, need: Need, to: str, note: str = "") -> Need:
    if not permissions.can_manage_need(actor, need):
        raise PermissionDeniedError(_("Kun behovets myndighed kan ændre det."))
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        _check_transition(NEED_TRANSITIONS, need.status, to, _("Behovet kan ikke gå fra %(f)s til %(t)s."))
        before, need.status = need.status, to
        if to == Need.Status.OPEN:
            need.confirmed_at = timezone.now()
            need.expires_at = max(need.expires_at, need.confirmed_at + timedelta(days=7))
        attribute_history(need, actor)
        need.save()
        audit_log(
            actor=actor, action="crisis.need.status", obj=need, data={"from": before, "to": to, "note": note}
        )
    return need


def need_confirm(*, actor: Any, need: Need, days: int = 7) -> Need:
    """Freshness: the authority confirms the need still stands for `days` more days."""
    if not permissions.can_manage_need(actor, need):
        raise PermissionDeniedError(_("Kun behovets myndighed kan bekræfte det."))
    if not 1 <= int(days) <= 90:
        raise ValidationError({"days": [_("Mellem 1 og 90 dage.")]})
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        need.confirmed_at = timezone.now()
        need.expires_at = need.confirmed_at + timedelta(days=int(days))
        attribute_history(need, actor)
        need.save()
        audit_log(
            actor=actor,
            action="crisis.need.confirmed",
            obj=need,
            data={"expires_at": need.expires_at.isoformat()},
        )
    return need


def open_needs():
    """Needs that take offers: open, not expired, in an incident that is not stood down."""
    return Need.objects.filter(status=Need.Status.OPEN, expires_at__gt=timezone.now()).exclude(
        incident__status=Incident.Status.STOOD_DOWN
    )


# ---------------------------------------------------------------------------------------------
# Offers: intake


@dataclass
class SubmitResult:
    offer: Offer
    created: bool


def _fingerprint(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _replay(key: str, fingerprint: str) -> SubmitResult | None:
    existing = Offer.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise ConflictError(
            _("Idempotency-Key er allerede brugt til et andet tilbud."),
            errors={"idempotency_key": [_("Nøglen er allerede brugt med et andet indhold.")]},
        )
    return SubmitResult(existing, False)


def validate_idempotency_key(key: str | None) -> str | None:
    if key is None or key == "":
        return None
    key = str(key).strip()
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable() or not key:
        raise ValidationError(
            {"idempotency_key": [_("Højst %(n)s synlige tegn.") % {"n": MAX_IDEMPOTENCY_KEY}]}
        )
    return key


def offer_submit(
    *,
    data: dict,
    actor: Any = None,
    idempotency_key: str | None = None,
    channel: str = "web",
    language: str = "da",
    need: Need | None = None,
) -> SubmitResult:
    """Store an offer durably (committed before this returns) and enqueue its processing.

    With an idempotency key, a repeated call with the same data returns the stored offer and
    writes nothing; the same key with other data is a conflict (409)."""
    key = validate_idempotency_key(idempotency_key)
    fingerprint = _fingerprint(data)
    form = OfferForm(data=data, need=need)
    if not form.is_valid():
        # A retry of an offer stored earlier (e.g. its need has closed since) is a replay.
        if key and (replay := _replay(key, fingerprint)) is not None:
            return replay
        raise validation_error(form)
    # A valid retry is found by the unique key when the insert below fails (no extra query
    # on the hot path).
    values = form.cleaned_data
    target = values["need"]
    offer = Offer(
        incident=target.incident if target else None,
        need=target,
        offerer_type=values["offerer_type"],
        offerer_name=values["offerer_name"],
        offerer_cvr=values["offerer_cvr"],
        contact_name=values["contact_name"],
        contact_email=values["contact_email"],
        contact_phone=values["contact_phone"],
        title=values["title"],
        description=values["description"],
        category=values["category"],
        item=values["item"],
        quantity=values["quantity"],
        unit=values["unit"],
        per_period=values["per_period"],
        available_from=values["available_from"],
        available_until=values["available_until"],
        municipality=values["municipality"],
        location=values["location"],
        terms=values["terms"],
        price=values["price"],
        certifications=values["certifications"],
        details=form.details(),
        language=language[:5],
        channel=channel,
        idempotency_key=key,
        fingerprint=fingerprint,
    )
    for _attempt in range(5):
        offer.reference = random_reference("TB")
        try:
            with transaction.atomic():
                offer.save()
                OfferEvent.objects.create(
                    offer=offer,
                    kind=OfferEvent.Kind.RECEIVED,
                    to_status=offer.status,
                    actor_label=actor_label(actor) if actor else "offerer",
                )
                audit_log(
                    actor=actor or "offerer",
                    action="crisis.offer.received",
                    obj=offer,
                    data={"reference": offer.reference, "channel": channel},
                )
                enqueue(process_offer, offer.pk)
            return SubmitResult(offer, True)
        except IntegrityError:
            offer.pk = None
            if key:
                replay = _replay(key, fingerprint)  # a concurrent request with the same key
                if replay is not None:
                    return replay
    raise ConflictError(_("Tilbuddet kunne ikke gemmes. Prøv igen."))  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# Offers: processing (runs in a worker)


@dataclass
class OffererResolution:
    organisation: Organisation | None
    resolution: str
    candidates: list
    claimed: Organisation | None = None
    claim_reasons: list[str] = field(default_factory=list)


def _claim_reasons(found: Organisation, offer: Offer, *, name_checked: bool = False) -> list[str]:
    """Why an offer naming a verified organisation is only a claim (issue 12, finding 5):
    its name is not the organisation's (beyond the spelling variants the resolver accepts) or
    its contact address is not exactly one of the organisation's registered contact persons'
    (an address in its website's domain is flagged as such, but still only a claim). An
    unverified organisation is staff-only anyway, so naming one is no claim to anything
    public."""
    from videnbro.registry.resolver import name_matches
    from videnbro.registry.selectors import contact_in_website_domain, contact_is_confirmed

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
    from videnbro.registry.resolver import organisation_resolve

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
    from videnbro.registry.services import organisation_create

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
    from videnbro.matching.duplicates import near_duplicate_texts

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
    return min((o for o, _score in found), key=lambda o: o.created)


def offer_process(offer_id: int) -> str:
    """Classify, resolve the offerer, detect duplicates, match to open needs and route.

    Idempotent: an offer already processed is left as it is."""
    from videnbro.matching.classifier import classify

    from .matching import best_need_for_offer

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
            from .taxonomy import item_for_text

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
                if classified
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


def offers_to_sweep(older_than: timedelta = timedelta(minutes=5)):
    return Offer.objects.filter(processed_at__isnull=True, created__lt=timezone.now() - older_than)


def sweep_unprocessed(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Re-enqueue offers whose processing never finished (a lost enqueue, a crashed worker)."""
    count = 0
    for offer_id in offers_to_sweep(older_than).values_list("pk", flat=True):
        with transaction.atomic():
            enqueue(process_offer, offer_id)
        count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Offers: triage

OFFER_TRANSITIONS: dict[str, set[str]] = {
    Offer.Status.NEW: {Offer.Status.IN_REVIEW, Offer.Status.DECLINED},
    Offer.Status.IN_REVIEW: {Offer.Status.ACCEPTED, Offer.Status.NEEDS_INFORMATION, Offer.Status.DECLINED},
    Offer.Status.NEEDS_INFORMATION: {Offer.Status.IN_REVIEW, Offer.Status.ACCEPTED, Offer.Status.DECLINED},
    Offer.Status.ACCEPTED: {Offer.Status.FULFILLED, Offer.Status.DECLINED},
    Offer.Status.DECLINED: {Offer.Status.IN_REVIEW},
    Offer.Status.FULFILLED: set(),
    Offer.Status.WITHDRAWN: set(),
}
OFFERER_CAN_WITHDRAW = {
    Offer.Status.NEW,
    Offer.Status.IN_REVIEW,
    Offer.Status.NEEDS_INFORMATION,
    Offer.Status.ACCEPTED,
}
NOTE_REQUIRED = {Offer.Status.DECLINED, Offer.Status.NEEDS_INFORMATION}


def _notify_offerer(offer: Offer, subject: str, body: str) -> None:
    link = _absolute(offer_status_path(offer))
    enqueue(
        send_email, offer.contact_email, subject, f"{body}\n\n{_('Se og opdater tilbuddet her')}: {link}\n"
    )


def _record(offer: Offer, *, actor: Any, kind: str, before: str = "", note: str = "") -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    OfferEvent.objects.create(
        offer=offer,
        kind=kind,
        from_status=before,
        to_status=offer.status,
        actor=user,
        actor_label=actor_label(actor),
        note=note,
    )
    audit_log(
        actor=actor,
        action=f"crisis.offer.{kind}",
        obj=offer,
        data={"from": before, "to": offer.status, "note": note[:500]},
    )


def offer_transition(*, actor: Any, offer: Offer, to: str, note: str = "") -> Offer:
    if not permissions.can_triage_offer(actor, offer):
        raise PermissionDeniedError(_("Tilbuddet er ikke sendt til din myndighed."))
    note = (note or "").strip()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        allowed = OFFER_TRANSITIONS[offer.status]
        if to not in allowed:
            raise ConflictError(
                _("Tilbuddet kan ikke gå fra »%(f)s« til »%(t)s«.")
                % {"f": offer.get_status_display(), "t": to},
                errors={
                    "to": [
                        _("Ikke tilladt fra %(f)s. Tilladt: %(a)s.")
                        % {"f": offer.status, "a": ", ".join(sorted(allowed)) or "—"}
                    ]
                },
                extra={"allowed": sorted(allowed)},
            )
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
        _record(offer, actor=actor, kind=kind, before=before, note=note)
        if to in (Offer.Status.NEEDS_INFORMATION, Offer.Status.ACCEPTED, Offer.Status.DECLINED):
            with override(offer.language if offer.language in ("da", "en") else "da"):
                subject = _("Dit tilbud %(ref)s: %(status)s") % {
                    "ref": offer.reference,
                    "status": offer.get_status_display(),
                }
                _notify_offerer(offer, subject, note or offer.get_status_display())
    return offer


def offer_request_information(*, actor: Any, offer: Offer, message: str) -> Offer:
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


def offer_bulk_transition(*, actor: Any, offers, to: str, note: str = "") -> BulkResult:
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


def offer_claim(*, actor: Any, offer: Offer) -> Offer:
    """An authority takes an offer that no need matched into its own inbox."""
    if not permissions.is_authority(actor) or actor.organisation_id is None:
        raise PermissionDeniedError(_("Kun myndighedsmedarbejdere kan overtage tilbud."))
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.routed_to_id not in (None, actor.organisation_id):
            raise ConflictError(_("Tilbuddet er allerede sendt til %(o)s.") % {"o": offer.routed_to.name})
        offer.routed_to_id = actor.organisation_id
        offer.save(update_fields=["routed_to", "updated"])
        _record(
            offer,
            actor=actor,
            kind=OfferEvent.Kind.ROUTED,
            note=_("Overtaget af %(o)s") % {"o": actor.organisation.name},
        )
    return offer


def offer_confirm_claim(*, actor: Any, offer: Offer) -> Offer:
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
        offer.claim_confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        offer.save(
            update_fields=[
                "organisation",
                "resolution",
                "claim_confirmed_at",
                "claim_confirmed_by",
                "updated",
            ]
        )
        _record(
            offer,
            actor=actor,
            kind=OfferEvent.Kind.CLAIM_CONFIRMED,
            before=offer.status,
            note=_("Tilbudsgiveren er bekræftet som %(org)s.") % {"org": organisation.name},
        )
    return offer


OFFERER_FIELDS = ("quantity", "available_from", "available_until")


def offer_update_by_offerer(*, offer: Offer, data: dict, note: str = "") -> Offer:
    """The offerer (holding the status link) updates quantity/availability or answers."""
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.status in (Offer.Status.WITHDRAWN, Offer.Status.FULFILLED, Offer.Status.DECLINED):
            raise ConflictError(_("Tilbuddet er afsluttet og kan ikke ændres."))
        form = OfferForm(data={**_offer_as_data(offer), **data})
        form.is_valid()
        for name in OFFERER_FIELDS:
            if name in form.errors:
                errors[name] = [str(m) for m in form.errors[name]]
        if errors:
            raise ValidationError(errors)
        changes = []
        for name in OFFERER_FIELDS:
            if name in data and form.cleaned_data.get(name) != getattr(offer, name):
                changes.append(f"{name}: {getattr(offer, name)} → {form.cleaned_data.get(name)}")
                setattr(offer, name, form.cleaned_data.get(name))
        note = (note or "").strip()
        if not changes and not note:
            raise ValidationError({"note": [_("Ret en oplysning eller skriv en besked.")]})
        before = offer.status
        if offer.status == Offer.Status.NEEDS_INFORMATION:
            offer.status = Offer.Status.IN_REVIEW
        offer.save()
        _record(
            offer,
            actor="offerer",
            kind=OfferEvent.Kind.OFFERER_UPDATE,
            before=before,
            note="\n".join([*changes, note]).strip(),
        )
    return offer


def _offer_as_data(offer: Offer) -> dict:
    return {
        "offerer_name": offer.offerer_name,
        "contact_email": offer.contact_email,
        "title": offer.title,
        "description": offer.description,
        "quantity": offer.quantity,
        "available_from": offer.available_from,
        "available_until": offer.available_until,
    }


def offer_withdraw(*, offer: Offer, note: str = "") -> Offer:
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.status not in OFFERER_CAN_WITHDRAW:
            raise ConflictError(_("Tilbuddet kan ikke længere trækkes tilbage."), extra={"allowed": []})
        before, offer.status = offer.status, Offer.Status.WITHDRAWN
        offer.save(update_fields=["status", "updated"])
        _record(
            offer, actor="offerer", kind=OfferEvent.Kind.TRANSITION, before=before, note=(note or "").strip()
        )
    return offer


# ---------------------------------------------------------------------------------------------
# Volunteers


def volunteer_register(*, data: dict, idempotency_key: str | None = None) -> tuple[Volunteer, bool]:
    key = validate_idempotency_key(idempotency_key)
    if key:
        existing = Volunteer.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
    form = VolunteerForm(data=data)
    if not form.is_valid():
        raise validation_error(form)
    values = form.cleaned_data
    volunteer = Volunteer(
        name=values["name"],
        email=values["email"],
        phone=values["phone"],
        skills=list(values["skills"]),
        has_danish_authorisation=values["has_danish_authorisation"],
        certificates=values["certificates"],
        available_from=values["available_from"],
        available_until=values["available_until"],
        hours_per_week=values["hours_per_week"],
        municipality=values["municipality"],
        travel_radius_km=values["travel_radius_km"],
        consent_at=timezone.now(),
        consent_version=CONSENT_VERSION,
        idempotency_key=key,
    )
    for _attempt in range(5):
        volunteer.reference = random_reference("FV")
        try:
            with transaction.atomic():
                volunteer.save()
                audit_log(
                    actor="volunteer",
                    action="crisis.volunteer.registered",
                    obj=volunteer,
                    data={"skills": volunteer.skills, "municipality": volunteer.municipality.code},
                )
            return volunteer, True
        except IntegrityError:
            volunteer.pk = None
            if key and (existing := Volunteer.objects.filter(idempotency_key=key).first()):
                return existing, False
    raise ConflictError(_("Tilmeldingen kunne ikke gemmes. Prøv igen."))  # pragma: no cover


def volunteer_withdraw(*, volunteer: Volunteer) -> Volunteer:
    """Consent withdrawn: the personal data is erased at once; skills and municipality stay
    as anonymous numbers for the evaluation."""
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        volunteer.name, volunteer.email, volunteer.phone = "", "", ""
        volunteer.certificates = ""
        volunteer.status = Volunteer.Status.WITHDRAWN
        volunteer.withdrawn_at = timezone.now()
        volunteer.save()
        volunteer.contacts.update(message="")
        audit_log(actor="volunteer", action="crisis.volunteer.withdrawn", obj=volunteer)
    return volunteer


def volunteer_contact(*, actor: Any, need: Need, volunteer: Volunteer, message: str) -> VolunteerContact:
    """The authority writes to a volunteer through the platform; it never sees the address."""
    if not permissions.can_manage_need(actor, need):
        raise PermissionDeniedError(_("Kun behovets myndighed kan kontakte frivillige."))
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": [_("Skriv en besked.")]})
    if len(message) > 3000:
        raise ValidationError({"message": [_("Højst 3000 tegn.")]})
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise ConflictError(_("Den frivillige er ikke længere tilmeldt."))
    with transaction.atomic():
        contact = VolunteerContact.objects.create(
            volunteer=volunteer, need=need, sender=actor, message=message
        )
        audit_log(actor=actor, action="crisis.volunteer.contacted", obj=volunteer, data={"need": need.pk})
        subject = _("Forespørgsel om frivillig indsats: %(t)s") % {"t": need.title}
        body = _(
            "%(org)s spørger, om du kan hjælpe med »%(t)s«:\n\n%(m)s\n\n"
            "Svar ved at kontakte %(org)s; din e-mail er ikke givet videre."
        ) % {"org": need.owner.name, "t": need.title, "m": message}
        enqueue(send_email, volunteer.email, subject, body)
    return contact


def quantity_text(quantity: Decimal | None, unit: str, per_period: str) -> str:
    from .taxonomy import OfferPeriod

    if quantity is None:
        return ""
    number = f"{quantity:,.0f}".replace(",", ".") if quantity == quantity.to_integral() else str(quantity)
    period = OfferPeriod(per_period).label if per_period in OfferPeriod.values else ""
    return " ".join(part for part in (number, unit, str(period)) if part)
