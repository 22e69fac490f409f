"""Needs: an authority posts what it lacks, moves it (draft → open → fulfilled/closed) and
confirms that it still stands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from videnbro.accounts.types import Actor
from videnbro.core.audit import attribute_history, audit_log
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.forms import validation_error
from videnbro.registry.models import Organisation

from .. import permissions
from ..forms import NeedForm
from ..models import Need
from ..taxonomy import ITEM_BY_SLUG, REQUIREMENT_BY_SLUG
from ..workflows import NEED_MACHINE
from .events import acting_user


def need_create(*, actor: Actor, data: Mapping[str, Any], owner: Organisation | None = None) -> Need:
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
            created_by=acting_user(actor),
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


def need_transition(*, actor: Actor, need: Need, to: str, note: str = "") -> Need:
    if not permissions.can_manage_need(actor, need):
        raise PermissionDeniedError(_("Kun behovets myndighed kan ændre det."))
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        NEED_MACHINE.check(need.status, to, _("Behovet kan ikke gå fra %(f)s til %(t)s."))
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


def need_confirm(*, actor: Actor, need: Need, days: int = 7) -> Need:
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
