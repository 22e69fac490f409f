"""The offer's own trail: one event row and one audit row for every step, and the e-mail that
tells the offerer about a step (shared by triage and the offerer's own actions)."""

from __future__ import annotations

from typing import TypeAlias

from django.utils.translation import gettext as _

from videnbro.accounts.models import User
from videnbro.accounts.types import Actor
from videnbro.core.audit import SystemActor, actor_label, audit_log
from videnbro.core.tasks import enqueue, send_email

from ..models import Offer, OfferEvent
from ..signing import absolute_url, offer_status_path

# Who acts in a trail row: a user, the system, or "offerer" (the holder of the status link).
TrailActor: TypeAlias = "Actor | SystemActor | str"


def acting_user(actor: TrailActor) -> User | None:
    """The signed-in user behind an actor, for the models' "by whom" fields (None for the
    public, the offerer and the system)."""
    return actor if isinstance(actor, User) else None


def record_offer_event(
    offer: Offer, *, actor: TrailActor, kind: str, before: str = "", note: str = ""
) -> None:
    OfferEvent.objects.create(
        offer=offer,
        kind=kind,
        from_status=before,
        to_status=offer.status,
        actor=acting_user(actor),
        actor_label=actor_label(actor),
        note=note,
    )
    audit_log(
        actor=actor,
        action=f"crisis.offer.{kind}",
        obj=offer,
        data={"from": before, "to": offer.status, "note": note[:500]},
    )


def notify_offerer(offer: Offer, subject: str, body: str) -> None:
    link = absolute_url(offer_status_path(offer))
    enqueue(
        send_email, offer.contact_email, subject, f"{body}\n\n{_('Se og opdater tilbuddet her')}: {link}\n"
    )
