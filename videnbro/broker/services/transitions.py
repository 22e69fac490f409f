"""Moves of an access request and of each custodian's part through the state machine
(`workflows.REQUEST_MACHINE` and `PART_MACHINE`, the flow tables): the state is checked (409
with the allowed moves), then the side (403), then the step's own rules (400); each move
writes an event row and an audit row and notifies the other side in the same transaction."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from videnbro.accounts.models import User
from videnbro.accounts.types import Actor
from videnbro.core.audit import actor_label, audit_log
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.keys import numeric_id

from .. import permissions
from ..forms import REQUIRED_TO_SUBMIT
from ..models import AccessRequest, RequestEvent, RequestPart, state_label
from ..selectors import Moves, allowed_moves
from ..workflows import (
    APPLICANT,
    BROKER,
    BROKER_FOR_CUSTODIAN,
    CUSTODIAN,
    DECIDED,
    NOTE_REQUIRED,
    PART_MACHINE,
    PART_STATES,
    REQUEST_MACHINE,
    is_orphaned,
    may_act,
)
from .drafting import clean_text, unknown_variables
from .notifications import notify_move

S = AccessRequest.Status
P = RequestPart.Status
DANISH_GROUPED = re.compile(r"[1-9]\d{0,2}(\.\d{3})+(,\d*)?")  # 1.234.567,89
# The step a due date belongs to after each move (days from the move; see docs/broker.md).
DUE_STEP = {
    S.SUBMITTED: "screening_start",
    S.SCREENING: "screening",
    S.RETURNED: "applicant",
    S.COST_ESTIMATE: "applicant",
    S.ACCEPTED: "provisioning_start",
    S.PROVISIONING: "provisioning",
    P.PENDING: "custodian_start",
    P.IN_REVIEW: "custodian_review",
    P.UPDATES_REQUESTED: "applicant",
    "all_decided": "cost_estimate",
}


def _due(step_state: str) -> datetime | None:
    step = DUE_STEP.get(step_state)
    return timezone.now() + timedelta(days=settings.BROKER_DUE_DAYS[step]) if step else None


def _user(actor: Actor) -> User | None:
    """The signed-in user behind `actor` for the trail (None for the system)."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _refuse(message: str, moves: Moves) -> ConflictError:
    """A 409 for a move the table holds but a guard refuses now (the message says why)."""
    return ConflictError(message, errors={"to": [message]}, extra={"allowed": moves})


def request_transition(
    *,
    actor: Actor,
    access_request: AccessRequest,
    to: str,
    note: str = "",
    part: RequestPart | int | str | None = None,
    cost_estimate: Any = None,
    variables: dict[str, Any] | None = None,
) -> AccessRequest:
    """Move the request, or one custodian's part of it (`to` is a part state), checking
    the state (409 with the allowed moves), the side (403) and the step's own rules (400).

    `variables` ({dataset key: [names]}) goes with the applicant's answer to "updates
    requested": the variables of that part's datasets as they should now be."""
    if not permissions.can_view(actor, access_request):
        raise PermissionDeniedError(_("Du har ikke adgang til denne ansøgning."))
    note = clean_text(note or "", "note").strip()
    if to in PART_STATES:
        return _part_transition(actor, access_request, to, note, part, variables)
    if variables is not None:
        raise ValidationError(
            {"variables": [_("Variable kan kun ændres i svaret på et ønske om ændringer.")]}
        )
    if not REQUEST_MACHINE.knows(to):
        raise ValidationError({"to": [_("Ukendt status »%(t)s«.") % {"t": str(to)[:40]}]})
    with transaction.atomic():
        access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        before = access_request.status
        moves = allowed_moves(access_request)
        if to not in moves["request"]:
            if REQUEST_MACHINE.can(before, to):
                raise _refuse(_undecided_reason(access_request, to), moves)
            raise REQUEST_MACHINE.refusal(
                before, to, _("Ansøgningen kan ikke gå fra »%(f)s« til »%(t)s«."), allowed=moves
            )
        side = REQUEST_MACHINE.side(before, to) or BROKER
        if not may_act(actor, access_request, side):
            raise PermissionDeniedError(
                {
                    APPLICANT: _("Kun ansøgeren kan gøre dette."),
                    BROKER: _(
                        "Kun Dataindgangen (datamægleren) kan gøre dette – og aldrig på sin egen ansøgning."
                    ),
                }[side]
            )
        if to in NOTE_REQUIRED and not note:
            raise ValidationError({"note": [_("Skriv en begrundelse til ansøgeren.")]})
        _apply_request_step(access_request, actor, to, note, cost_estimate)
        access_request.status = to
        access_request.due_at = _due(to)
        if to == S.ACTIVE and access_request.period_to:
            access_request.due_at = _period_end(access_request)
        access_request.save()
        _record(access_request, actor, side, before, to, note)
        notify_move(access_request, actor, side, before, to, note)
    return access_request


def _apply_request_step(
    access_request: AccessRequest, actor: Actor, to: str, note: str, cost_estimate: Any
) -> None:
    """The rules of each step of the request itself (a part's steps: `_part_transition`)."""
    now = timezone.now()
    if to == S.SUBMITTED:
        _check_complete(access_request)
        access_request.submitted_at = access_request.submitted_at or now
    elif to == S.ROUTED:
        _route(access_request)
    elif to == S.COST_ESTIMATE:
        access_request.cost_estimate = _amount(cost_estimate)
        access_request.cost_note = note
        access_request.approved_at = now
    elif to == S.ACTIVE:
        access_request.active_at = now
        if access_request.parent_id:
            _extend_parent(access_request, actor)
    elif to in (S.CLOSED, S.WITHDRAWN):
        access_request.closed_at = now
        # Nobody has to act on a part any more: no due date, never overdue.
        access_request.parts.exclude(status__in=DECIDED).update(due_at=None)


def _period_end(access_request: AccessRequest) -> datetime | None:
    """An active request is due at the end of the last day of its period."""
    if access_request.period_to is None:
        return None
    return timezone.make_aware(datetime.combine(access_request.period_to, time.max))


def _extend_parent(amendment: AccessRequest, actor: Actor) -> None:
    """An active amendment with a later end extends its main request's period (and due
    date); the main request's state does not change."""
    parent = AccessRequest.objects.select_for_update().get(pk=amendment.parent_id or 0)
    if not amendment.period_to or (parent.period_to and parent.period_to >= amendment.period_to):
        return
    before = parent.period_to
    parent.period_to = amendment.period_to
    if parent.status == S.ACTIVE:
        parent.due_at = _period_end(parent)
    parent.save(update_fields=["period_to", "due_at", "updated"])
    note = _("Perioden er forlænget fra %(a)s til %(b)s ved tillæg %(ref)s.") % {
        "a": before or "—",
        "b": parent.period_to,
        "ref": amendment.reference,
    }
    RequestEvent.objects.create(
        request=parent,
        actor=_user(actor),
        actor_label=actor_label(actor),
        actor_role=BROKER,
        from_status=parent.status,
        to_status=parent.status,
        note=note,
    )
    audit_log(
        actor=actor,
        action="broker.request.extended",
        obj=parent,
        data={"from": str(before or ""), "to": str(parent.period_to), "amendment": amendment.reference},
    )


def _undecided_reason(access_request: AccessRequest, to: str) -> str:
    """Why a move the table holds is not allowed yet (the guards of `allowed_moves`)."""
    if is_orphaned(access_request) and access_request.parent is not None:
        return _(
            "Hovedansøgningen %(ref)s er afsluttet; tillægget kan kun trækkes tilbage eller afsluttes."
        ) % {"ref": access_request.parent.reference}
    open_parts = [
        p.custodian.name for p in access_request.parts.select_related("custodian") if p.status not in DECIDED
    ]
    if open_parts:
        return _("Alle dataansvarlige skal have truffet afgørelse først; mangler: %(p)s.") % {
            "p": ", ".join(open_parts)
        }
    if to == S.COST_ESTIMATE:
        return _("Ingen dataansvarlige har godkendt; ansøgningen kan kun afsluttes.")
    return _("Mindst én dataansvarlig har godkendt; send et prisoverslag i stedet.")


def _amount(value: Any) -> Decimal:
    text = "".join(str(value).split())  # spaces, also non-breaking, group thousands
    if DANISH_GROUPED.fullmatch(text):  # "12.500" is twelve thousand five hundred, not 12.5
        text = text.replace(".", "")
    amount: Decimal | None
    try:
        amount = Decimal(text.replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is not None and amount.is_finite() and abs(amount) < Decimal("1e12"):
        amount = amount.quantize(Decimal("0.01"))  # round first: the bound is on what is stored
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError(
            {"cost_estimate": [_("Angiv prisoverslaget i kroner (0 eller mere, under 10 mia.).")]}
        )
    return amount


def _check_complete(access_request: AccessRequest) -> None:
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_TO_SUBMIT:
        if not getattr(access_request, name).strip():
            errors[name] = [_("Skal udfyldes, før ansøgningen kan sendes.")]
    chosen = list(
        access_request.requested_datasets.select_related("dataset").prefetch_related("dataset__variables")
    )
    if not chosen:
        errors["datasets"] = [_("Vælg mindst ét datasæt.")]
    missing = [c.dataset.title for c in chosen if not c.variables and c.dataset.variables.all()]
    if missing:
        errors.setdefault("datasets", []).append(
            _("Vælg de variable, I har brug for, fra: %(d)s.") % {"d": ", ".join(missing)}
        )
    if errors:
        raise ValidationError(errors)


def _route(access_request: AccessRequest) -> None:
    """One part per custodian of the chosen datasets, each pending with its own due date."""
    for chosen in access_request.requested_datasets.select_related("dataset"):
        part, _created = RequestPart.objects.get_or_create(
            request=access_request,
            custodian_id=chosen.dataset.custodian_id,
            defaults={"status": P.PENDING, "due_at": _due(P.PENDING)},
        )
        chosen.part = part
        chosen.save(update_fields=["part"])


def _part_transition(
    actor: Actor,
    access_request: AccessRequest,
    to: str,
    note: str,
    part: RequestPart | int | str | None,
    variables: dict[str, Any] | None = None,
) -> AccessRequest:
    if part is None:
        mine = [p for p in access_request.parts.all() if permissions.is_part_custodian(actor, p)]
        if len(mine) != 1:
            raise ValidationError({"part": [_("Angiv hvilken delansøgning (part).")]})
        part = mine[0]
    part_id = part.pk if isinstance(part, RequestPart) else part
    with transaction.atomic():
        access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        # numeric_id is None for anything but an id, and pk=None matches no row
        locked = (
            RequestPart.objects.select_for_update()
            .filter(request=access_request, pk=numeric_id(part_id))  # type: ignore[misc]
            .first()
        )
        if locked is None:
            raise ValidationError({"part": [_("Ukendt delansøgning.")]})
        part = locked
        if (
            permissions.is_custodian(actor)
            and not permissions.is_broker(actor)
            and not permissions.is_part_custodian(actor, part)
            and not permissions.is_applicant(actor, access_request)
        ):
            raise PermissionDeniedError(_("Delansøgningen hører til en anden dataansvarlig."))
        moves = allowed_moves(access_request)
        before = part.status
        _check_part_move(access_request, part, to, moves)
        side = PART_MACHINE.side(before, to) or CUSTODIAN
        if not may_act(actor, access_request, side, part):
            raise PermissionDeniedError(
                _("Kun ansøgeren kan svare på ønsker om ændringer.")
                if side == APPLICANT
                else _("Delansøgningen hører til en anden dataansvarlig.")
            )
        if to in NOTE_REQUIRED and not note:
            raise ValidationError(
                {
                    "note": [
                        _("Skriv en begrundelse til ansøgeren.")
                        if to != P.APPROVED_WITH_CONDITIONS
                        else _("Skriv vilkårene for godkendelsen.")
                    ]
                }
            )
        changed = ""
        if variables is not None:
            if not (side == APPLICANT and before == P.UPDATES_REQUESTED):
                raise ValidationError(
                    {"variables": [_("Variable kan kun ændres i svaret på et ønske om ændringer.")]}
                )
            changed = _change_part_variables(part, variables)
        part.status = to
        part.due_at = _due(to)
        if changed:
            note = f"{note}\n{changed}".strip()
        if to in DECIDED:
            part.decided_at = timezone.now()
            if to == P.APPROVED_WITH_CONDITIONS:
                part.conditions = note
        part.save()
        _record(access_request, actor, side, before, to, note, part=part)
        all_decided = all(p.status in DECIDED for p in access_request.parts.all())
        if all_decided:
            access_request.due_at = _due("all_decided")
            access_request.save(update_fields=["due_at", "updated"])
        notify_move(access_request, actor, side, before, to, note, part=part, all_decided=all_decided)
    return access_request


def _check_part_move(access_request: AccessRequest, part: RequestPart, to: str, moves: Moves) -> None:
    """A part moves only while the request is with the custodians, and only as its table says."""
    if to in moves["parts"][part.pk]:
        return
    if access_request.status != S.ROUTED:
        raise _refuse(
            _("Ansøgningen er ikke til behandling hos de dataansvarlige (den er »%(s)s«).")
            % {"s": access_request.get_status_display()},
            moves,
        )
    # The custodian's name is filled in first; the machine fills in the states' labels.
    name = part.custodian.name.replace("%", "%%")
    message = _("Delansøgningen hos %(c)s kan ikke gå fra »%(f)s« til »%(t)s«.") % {
        "c": name,
        "f": "%(f)s",
        "t": "%(t)s",
    }
    if PART_MACHINE.can(part.status, to):  # the table holds it, but an ended main request does not
        raise _refuse(message % {"f": part.get_status_display(), "t": state_label(to)}, moves)
    raise PART_MACHINE.refusal(part.status, to, message, allowed=moves)


def _change_part_variables(part: RequestPart, variables: Any) -> str:
    """Set the variables of the part's datasets; returns a line for the trail ("" when
    nothing changed)."""
    if not isinstance(variables, dict):
        raise ValidationError({"variables": [_("Et objekt: {datasæt: [variable]}.")]})
    chosen = {
        c.dataset.key: c
        for c in part.datasets.select_related("dataset").prefetch_related("dataset__variables")
    }
    errors, lines = [], []
    for key, names in variables.items():
        entry = chosen.get(key)
        if entry is None:
            errors.append(_("%(d)s hører ikke til denne delansøgning.") % {"d": str(key)[:100]})
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            errors.append(_("%(d)s: en liste af variabelnavne.") % {"d": key})
            continue
        if unknown := unknown_variables(entry.dataset, names):
            errors.append(unknown)
        elif entry.dataset.variables.all() and not names:
            errors.append(_("Vælg mindst én variabel fra %(d)s.") % {"d": entry.dataset.title})
        elif list(dict.fromkeys(names)) != entry.variables:
            lines.append(
                f"{entry.dataset.title}: {', '.join(entry.variables) or '—'} → "
                f"{', '.join(dict.fromkeys(names))}"
            )
            entry.variables = list(dict.fromkeys(names))
    if errors:
        raise ValidationError({"variables": errors})
    for entry in chosen.values():
        entry.save(update_fields=["variables"])
    return (_("Variable ændret: %(c)s") % {"c": "; ".join(lines)}) if lines else ""


def _record(
    access_request: AccessRequest,
    actor: Actor,
    side: str,
    before: str,
    to: str,
    note: str,
    part: RequestPart | None = None,
) -> None:
    user = _user(actor)
    role = side
    if side == CUSTODIAN and part is not None and not permissions.is_part_custodian(actor, part):
        role = BROKER_FOR_CUSTODIAN
    RequestEvent.objects.create(
        request=access_request,
        part=part,
        actor=user,
        actor_label=actor_label(actor),
        actor_role=role,
        from_status=before,
        to_status=to,
        note=note,
    )
    audit_log(
        actor=actor,
        action="broker.part.status" if part else "broker.request.status",
        obj=access_request,
        data={
            "from": before,
            "to": to,
            "note": note[:500],
            "part": part.custodian.key if part else "",
            "as": role,
        },
    )
