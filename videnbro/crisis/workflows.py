"""The state machines of the crisis front door: which moves an incident, a need and an offer
may make. One table each, read by the services (which refuse other moves with a 409 naming the
allowed targets) and by the selectors (which offer the pages only the allowed moves)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from videnbro.core.statemachine import StateMachine

from .models import Incident, Need, Offer

INCIDENT_TRANSITIONS: dict[str, set[str]] = {
    Incident.Status.DECLARED: {Incident.Status.ACTIVE, Incident.Status.STOOD_DOWN},
    Incident.Status.ACTIVE: {Incident.Status.STOOD_DOWN},
    Incident.Status.STOOD_DOWN: set(),
}

NEED_TRANSITIONS: dict[str, set[str]] = {
    Need.Status.DRAFT: {Need.Status.OPEN, Need.Status.CLOSED},
    Need.Status.OPEN: {Need.Status.FULFILLED, Need.Status.CLOSED},
    Need.Status.FULFILLED: {Need.Status.OPEN},
    Need.Status.CLOSED: {Need.Status.OPEN},
}

# Triage by the authority; the offerer's own withdrawal is OFFERER_CAN_WITHDRAW below.
OFFER_TRANSITIONS: dict[str, set[str]] = {
    Offer.Status.NEW: {Offer.Status.IN_REVIEW, Offer.Status.DECLINED},
    Offer.Status.IN_REVIEW: {Offer.Status.ACCEPTED, Offer.Status.NEEDS_INFORMATION, Offer.Status.DECLINED},
    Offer.Status.NEEDS_INFORMATION: {Offer.Status.IN_REVIEW, Offer.Status.ACCEPTED, Offer.Status.DECLINED},
    Offer.Status.ACCEPTED: {Offer.Status.FULFILLED, Offer.Status.DECLINED},
    Offer.Status.DECLINED: {Offer.Status.IN_REVIEW},
    Offer.Status.FULFILLED: set(),
    Offer.Status.WITHDRAWN: set(),
}
OFFERER_CAN_WITHDRAW = frozenset(
    {Offer.Status.NEW, Offer.Status.IN_REVIEW, Offer.Status.NEEDS_INFORMATION, Offer.Status.ACCEPTED}
)
# Finished offers: the offerer can no longer change them.
OFFERER_CANNOT_UPDATE = frozenset({Offer.Status.WITHDRAWN, Offer.Status.FULFILLED, Offer.Status.DECLINED})


def _labels(choices: type[models.TextChoices]) -> Callable[[str], str]:
    """The choice label people read for a status code (the code itself when unknown)."""

    def label(code: str) -> str:
        return str(choices(code).label) if code in choices.values else code

    return label


INCIDENT_MACHINE = StateMachine(INCIDENT_TRANSITIONS, label=_labels(Incident.Status))
NEED_MACHINE = StateMachine(NEED_TRANSITIONS, label=_labels(Need.Status))
OFFER_MACHINE = StateMachine(OFFER_TRANSITIONS, label=_labels(Offer.Status))
