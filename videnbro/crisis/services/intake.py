"""The offer front door and the offerer's own actions.

`offer_submit` is the hot path: validate, then one transaction with the offer, its first event,
an audit row and the processing task. The offerer – who holds no account, only the private
status link – updates or withdraws the offer with that link's token, checked here, and asks
for a link to all offers given with an e-mail address."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from videnbro.accounts.types import Actor
from videnbro.core.audit import actor_label, audit_log
from videnbro.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from videnbro.core.forms import validation_error
from videnbro.core.keys import random_reference
from videnbro.core.tasks import enqueue, send_email

from ..forms import OfferForm
from ..models import Need, Offer, OfferEvent
from ..selectors import offerer_can_update, offerer_can_withdraw, offers_of_email
from ..signing import absolute_url, check_offer_token, my_offers_path
from .events import record_offer_event
from .processing import process_offer

MAX_IDEMPOTENCY_KEY = 100
# What the offerer may change after sending (besides answering with a note).
OFFERER_FIELDS = ("quantity", "available_from", "available_until")
# The "my offers" audit row names at most this many offers.
MAX_LISTED_REFERENCES = 50


@dataclass
class SubmitResult:
    offer: Offer
    created: bool


def _fingerprint(data: Mapping[str, Any]) -> str:
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
    data: Mapping[str, Any],
    actor: Actor = None,
    idempotency_key: str | None = None,
    channel: str = "web",
    language: str = "da",
    need: Need | None = None,
) -> SubmitResult:
    """Store an offer durably (committed before this returns) and enqueue its processing.

    The need an offer is given to must still take offers (open, not expired, its incident not
    stood down; `OfferForm.clean_need`), from the web form and the API alike. With an
    idempotency key, a repeated call with the same data returns the stored offer and writes
    nothing; the same key with other data is a conflict (409)."""
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
# The offerer's own actions, with the status link's token


def _check_offerer(offer: Offer, token: str | None, refusal: str) -> None:
    """The token of the offer's status link: a wrong one answers 404 (an offer's existence is
    never revealed); none at all (e.g. staff calling) is a 403 with `refusal`."""
    if not token:
        raise PermissionDeniedError(refusal)
    if not check_offer_token(offer, token):
        raise NotFoundError(_("Tilbuddet findes ikke."))


def _offer_as_data(offer: Offer) -> dict[str, Any]:
    return {
        "offerer_name": offer.offerer_name,
        "contact_email": offer.contact_email,
        "title": offer.title,
        "description": offer.description,
        "quantity": offer.quantity,
        "available_from": offer.available_from,
        "available_until": offer.available_until,
    }


def offer_update_by_offerer(
    *, offer: Offer, token: str | None, data: Mapping[str, Any], note: str = ""
) -> Offer:
    """The offerer (holding the status link) updates quantity/availability or answers."""
    _check_offerer(offer, token, _("Kun tilbudsgiveren kan rette tilbuddet."))
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if not offerer_can_update(offer):
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
        record_offer_event(
            offer,
            actor="offerer",
            kind=OfferEvent.Kind.OFFERER_UPDATE,
            before=before,
            note="\n".join([*changes, note]).strip(),
        )
    return offer


def offer_withdraw(*, offer: Offer, token: str | None, note: str = "") -> Offer:
    _check_offerer(offer, token, _("Kun tilbudsgiveren kan trække tilbuddet tilbage."))
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if not offerer_can_withdraw(offer):
            raise ConflictError(_("Tilbuddet kan ikke længere trækkes tilbage."), extra={"allowed": []})
        before, offer.status = offer.status, Offer.Status.WITHDRAWN
        offer.save(update_fields=["status", "updated"])
        record_offer_event(
            offer, actor="offerer", kind=OfferEvent.Kind.TRANSITION, before=before, note=(note or "").strip()
        )
    return offer


def offer_links_send(*, email: str) -> int:
    """ "My offers": mail a link to every offer given with `email` to that address only, so
    nobody sees another person's offers by typing their address. Returns how many offers the
    link lists; for an address without offers nothing is sent (the caller says "sent" either
    way, so the answer does not tell whether an address has offers).

    The audit row names the offers, never the address (like every crisis audit row: the
    address lives only on the offer, where the privacy erasure finds it)."""
    try:
        email = forms.EmailField().clean(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    references = list(offers_of_email(email).values_list("reference", flat=True))
    if not references:
        return 0
    link = absolute_url(my_offers_path(email))
    with transaction.atomic():
        audit_log(
            actor="offerer",
            action="crisis.offer.links_sent",
            data={"offers": len(references), "references": references[:MAX_LISTED_REFERENCES]},
        )
        enqueue(
            send_email,
            email,
            _("Dine tilbud på Videnbro"),
            _("Se dine tilbud her (linket virker i 7 dage): %(l)s") % {"l": link},
        )
    return len(references)
