"""The state machine of an access request and its parts: the flow tables (who moves a request
from each state to which), the rules that read them, and who may act on which side.

The tables live here, below both `services` and `selectors`: the services check moves against
them and the selectors list the allowed moves for the buttons and the 409 answers, so neither
has to import the other to know them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from videnbro.accounts.types import Actor
from videnbro.core.statemachine import StateMachine

from . import permissions
from .models import AccessRequest, RequestPart, state_label

S = AccessRequest.Status
P = RequestPart.Status
APPLICANT, BROKER, CUSTODIAN = "applicant", "broker", "custodian"
BROKER_FOR_CUSTODIAN = "broker_for_custodian"  # the broker recorded a custodian's decision
# The sides as the trail names them (RequestEvent.actor_role), with their labels.
ACTOR_ROLES = [
    (APPLICANT, _("Ansøger")),
    (BROKER, _("Datamægler")),
    (CUSTODIAN, _("Dataansvarlig")),
    (BROKER_FOR_CUSTODIAN, _("Datamægler for den dataansvarlige")),
]

# Who moves a request from each state to which: the state machine of the issue.
REQUEST_FLOW: dict[str, dict[str, str]] = {
    S.DRAFT: {S.SUBMITTED: APPLICANT, S.WITHDRAWN: APPLICANT},
    S.SUBMITTED: {S.SCREENING: BROKER, S.WITHDRAWN: APPLICANT},
    S.SCREENING: {S.RETURNED: BROKER, S.ROUTED: BROKER, S.WITHDRAWN: APPLICANT},
    S.RETURNED: {S.SUBMITTED: APPLICANT, S.WITHDRAWN: APPLICANT},
    S.ROUTED: {S.COST_ESTIMATE: BROKER, S.CLOSED: BROKER, S.WITHDRAWN: APPLICANT},
    S.COST_ESTIMATE: {S.ACCEPTED: APPLICANT, S.WITHDRAWN: APPLICANT},
    S.ACCEPTED: {S.PROVISIONING: BROKER, S.WITHDRAWN: APPLICANT},
    S.PROVISIONING: {S.ACTIVE: BROKER},
    S.ACTIVE: {S.CLOSED: BROKER},
    S.CLOSED: {},
    S.WITHDRAWN: {},
}
PART_FLOW: dict[str, dict[str, str]] = {
    P.PENDING: {P.IN_REVIEW: CUSTODIAN},
    P.IN_REVIEW: {
        P.UPDATES_REQUESTED: CUSTODIAN,
        P.APPROVED: CUSTODIAN,
        P.APPROVED_WITH_CONDITIONS: CUSTODIAN,
        P.REJECTED: CUSTODIAN,
    },
    P.UPDATES_REQUESTED: {P.IN_REVIEW: APPLICANT},
    P.APPROVED: {},
    P.APPROVED_WITH_CONDITIONS: {},
    P.REJECTED: {},
}
REQUEST_MACHINE = StateMachine(REQUEST_FLOW, label=state_label)
PART_MACHINE = StateMachine(PART_FLOW, label=state_label)

DECIDED = RequestPart.DECIDED
APPROVED = RequestPart.APPROVED
NOTE_REQUIRED = {S.RETURNED, P.UPDATES_REQUESTED, P.REJECTED, P.APPROVED_WITH_CONDITIONS}
EDITABLE = {S.DRAFT, S.RETURNED}
AMENDABLE = {S.ACCEPTED, S.PROVISIONING, S.ACTIVE}
PART_STATES = set(P.values)


def is_amendable(access_request: AccessRequest) -> bool:
    """An amendment may be applied for: an approved main request that has not ended."""
    return access_request.status in AMENDABLE and access_request.kind == AccessRequest.Kind.NEW


def is_orphaned(access_request: AccessRequest) -> bool:
    """An amendment whose main request has ended (closed or withdrawn) cannot go on: it may
    only be withdrawn or closed."""
    parent = access_request.parent
    return parent is not None and not is_amendable(parent)


def may_act(actor: Actor, access_request: AccessRequest, side: str, part: RequestPart | None = None) -> bool:
    """Whether `actor` acts on `side` of this request (nobody decides on their own application;
    the broker may record a custodian's decision on its behalf)."""
    if side == APPLICANT:
        return permissions.is_applicant(actor, access_request)
    if permissions.is_applicant(actor, access_request):
        return False
    if side == BROKER:
        return permissions.is_broker(actor)
    return permissions.is_broker(actor) or (part is not None and permissions.is_part_custodian(actor, part))
