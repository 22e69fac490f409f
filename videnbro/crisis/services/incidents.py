"""Incidents: declaring one and moving it through declared → active → stood down."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from videnbro.accounts.types import Actor
from videnbro.core.audit import attribute_history, audit_log
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.forms import validation_error
from videnbro.core.keys import unique_key

from .. import permissions
from ..forms import IncidentForm
from ..models import Incident
from ..workflows import INCIDENT_MACHINE
from .events import acting_user


def incident_declare(*, actor: Actor, data: Mapping[str, Any]) -> Incident:
    if not permissions.can_declare_incident(actor):
        raise PermissionDeniedError(_("Kun myndighedsmedarbejdere kan erklære en hændelse."))
    form = IncidentForm(data=data)
    if not form.is_valid():
        raise validation_error(form)
    values = form.cleaned_data
    responsible = list(values["responsible"])
    organisation = getattr(actor, "organisation", None)
    if not responsible and organisation is not None:
        responsible = [organisation]
    if not responsible:
        raise ValidationError({"responsible": [_("Angiv mindst én ansvarlig myndighed.")]})
    with transaction.atomic():
        incident = Incident(
            key=unique_key(Incident, values["title"], fallback="haendelse"),
            title=values["title"],
            title_en=values["title_en"],
            kind=values["kind"],
            description=values["description"],
            starts_on=values["starts_on"] or timezone.localdate(),
            ends_on=values["ends_on"],
            declared_by=acting_user(actor),
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


def incident_transition(*, actor: Actor, incident: Incident, to: str, note: str = "") -> Incident:
    if not permissions.can_manage_incident(actor, incident):
        raise PermissionDeniedError(_("Kun en ansvarlig myndighed kan ændre hændelsens status."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        INCIDENT_MACHINE.check(incident.status, to, _("Hændelsen kan ikke gå fra %(f)s til %(t)s."))
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
