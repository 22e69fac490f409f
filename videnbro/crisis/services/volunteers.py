"""Volunteers: signing up (with consent), withdrawing consent (the personal data is erased at
once) and an authority writing to a volunteer through the platform."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from videnbro.accounts.types import Actor
from videnbro.core.audit import audit_log
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.forms import validation_error
from videnbro.core.keys import random_reference
from videnbro.core.tasks import enqueue, send_email

from .. import permissions
from ..forms import VolunteerForm
from ..models import Need, Volunteer, VolunteerContact
from .events import acting_user
from .intake import validate_idempotency_key

CONSENT_VERSION = "2026-11"


def volunteer_register(
    *, data: Mapping[str, Any], idempotency_key: str | None = None
) -> tuple[Volunteer, bool]:
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


def volunteer_contact(*, actor: Actor, need: Need, volunteer: Volunteer, message: str) -> VolunteerContact:
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
            volunteer=volunteer, need=need, sender=acting_user(actor), message=message
        )
        audit_log(actor=actor, action="crisis.volunteer.contacted", obj=volunteer, data={"need": need.pk})
        subject = _("Forespørgsel om frivillig indsats: %(t)s") % {"t": need.title}
        body = _(
            "%(org)s spørger, om du kan hjælpe med »%(t)s«:\n\n%(m)s\n\n"
            "Svar ved at kontakte %(org)s; din e-mail er ikke givet videre."
        ) % {"org": need.owner.name, "t": need.title, "m": message}
        enqueue(send_email, volunteer.email, subject, body)
    return contact
