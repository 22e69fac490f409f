"""Writes of the data entry point. Every write checks permissions here, runs in one
transaction with an event row and an audit row, and notifies the other side by e-mail
through the task queue (enqueued in the same transaction)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from videnbro.accounts.models import Role
from videnbro.core.audit import actor_label, audit_log
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.forms import validation_error
from videnbro.core.keys import by_id_or_key, numeric_id, random_reference
from videnbro.core.tasks import enqueue, send_email
from videnbro.datamap.models import Dataset

from . import permissions
from .documents import validate_document
from .forms import PROJECT_FIELDS, REQUIRED_TO_SUBMIT, AccessRequestForm
from .models import (
    AccessRequest,
    RequestDocument,
    RequestedDataset,
    RequestEvent,
    RequestPart,
    state_label,
)

S = AccessRequest.Status
P = RequestPart.Status
APPLICANT, BROKER, CUSTODIAN = "applicant", "broker", "custodian"

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
DECIDED = RequestPart.DECIDED
APPROVED = RequestPart.APPROVED
NOTE_REQUIRED = {S.RETURNED, P.UPDATES_REQUESTED, P.REJECTED, P.APPROVED_WITH_CONDITIONS}
EDITABLE = {S.DRAFT, S.RETURNED}
AMENDABLE = {S.ACCEPTED, S.PROVISIONING, S.ACTIVE}
PART_STATES = set(P.values)
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


# ---------------------------------------------------------------------------------------------
# Drafting


@dataclass
class DatasetChoice:
    dataset: Dataset
    variables: list[str]


def parse_datasets(items: Any) -> list[DatasetChoice]:
    """`[{"dataset": key or id, "variables": [names]}]` → checked choices; unknown datasets
    and variables are field errors under "datasets"."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationError({"datasets": [_("En liste af datasæt.")]})
    errors: list[str] = []
    choices: list[DatasetChoice] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        if isinstance(item, str | int):
            item = {"dataset": item}
        if not isinstance(item, dict) or "dataset" not in item:
            errors.append(_("%(i)s: angiv »dataset« (nøgle eller id).") % {"i": index})
            continue
        ref = str(item["dataset"])
        dataset = by_id_or_key(Dataset.objects.prefetch_related("variables"), ref)
        if dataset is None:
            errors.append(_("%(i)s: ukendt datasæt »%(d)s«.") % {"i": index, "d": ref[:100]})
            continue
        if dataset.pk in seen:
            errors.append(_("%(i)s: %(d)s er valgt to gange.") % {"i": index, "d": dataset.title})
            continue
        seen.add(dataset.pk)
        wanted = item.get("variables") or []
        if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted):
            errors.append(_("%(i)s: »variables« skal være en liste af variabelnavne.") % {"i": index})
            continue
        if unknown := _unknown_variables(dataset, wanted):
            errors.append(unknown)
            continue
        choices.append(DatasetChoice(dataset, list(dict.fromkeys(wanted))))
    if errors:
        raise ValidationError({"datasets": errors})
    return choices


def _unknown_variables(dataset: Dataset, names: list[str]) -> str:
    """The error for names the dataset does not list ("" when all are known); the
    dataset's variables are expected prefetched."""
    known = {v.name for v in dataset.variables.all()}
    unknown = [name for name in names if name not in known]
    if not unknown:
        return ""
    return _("%(d)s har ikke variablen/variablene %(v)s.") % {
        "d": dataset.title,
        "v": ", ".join(unknown[:10]),
    }


MAX_TEXT = 20_000  # characters in one free-text field or note


def _clean_text(value: Any, field: str) -> str:
    """A string without NUL or other control characters (PostgreSQL refuses NUL; a
    spreadsheet export refuses the others), within MAX_TEXT."""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Skal være tekst.")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("Højst %(n)s tegn.") % {"n": MAX_TEXT}]})
    return CONTROL_CHARACTERS.sub("", value)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _validated_project(data: dict, instance: AccessRequest | None) -> AccessRequestForm:
    """Partial updates keep the stored values of fields the caller did not send. Values of
    the wrong JSON type (a number for a date, a list for a title) are field errors."""
    values: dict[str, Any] = {}
    if instance is not None:
        for name in PROJECT_FIELDS:
            value = getattr(instance, f"{name}_id" if name == "sandbox" else name)
            values[name] = "" if value is None else value
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if name not in PROJECT_FIELDS:
            continue
        if value is None:
            values[name] = ""
        elif name == "sandbox" and isinstance(value, int) and not isinstance(value, bool):
            values[name] = value
        else:
            try:
                values[name] = _clean_text(value, name)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    form = AccessRequestForm(data=values, instance=instance)
    if not form.is_valid():
        raise validation_error(form)
    return form


def _set_datasets(request: AccessRequest, choices: list[DatasetChoice]) -> None:
    keep = {c.dataset.pk for c in choices}
    request.requested_datasets.exclude(dataset_id__in=keep).delete()
    for choice in choices:
        RequestedDataset.objects.update_or_create(
            request=request, dataset=choice.dataset, defaults={"variables": choice.variables}
        )


def request_save(
    *,
    actor: Any,
    data: dict,
    datasets: Any = None,
    request: AccessRequest | None = None,
    parent: AccessRequest | None = None,
) -> AccessRequest:
    """Create a draft (or an amendment of `parent`), or edit one the applicant holds
    (draft or returned). `datasets=None` leaves the chosen datasets as they are."""
    if not permissions.can_apply(actor):
        raise PermissionDeniedError(_("Log ind for at søge om adgang til data."))
    if request is not None and not permissions.is_applicant(actor, request):
        raise PermissionDeniedError(_("Kun ansøgeren kan ændre ansøgningen."))
    if parent is not None and not permissions.is_applicant(actor, parent):
        raise PermissionDeniedError(_("Kun ansøgeren kan søge om et tillæg."))
    with transaction.atomic():
        # The state is checked on a locked, fresh row: a stale page or a double click can
        # never write a submitted request back to a draft.
        if request is not None:
            request = AccessRequest.objects.select_for_update().get(pk=request.pk)
            _check_editable(request)
        if parent is not None:
            parent = AccessRequest.objects.select_for_update().get(pk=parent.pk)
            check_amendable(parent)
        form = _validated_project(data, request or _amendment_base(parent))
        choices = parse_datasets(datasets) if datasets is not None else None
        created = request is None
        if created:
            request = form.save(commit=False)
            request.reference = random_reference("DA")
            request.applicant = actor
            request.organisation = actor.organisation
            request.organisation_name = (
                "" if actor.organisation_id else getattr(actor, "stated_organisation", "")
            )
            request.status = S.DRAFT
            if parent is not None:  # a fresh copy of the parent's project fields
                request.pk, request._state.adding = None, True
                request.kind, request.parent = AccessRequest.Kind.AMENDMENT, parent
                request.cost_estimate, request.cost_note = None, ""
                request.submitted_at = request.approved_at = request.active_at = None
                request.closed_at = request.due_at = None
            request.save()
        else:
            request = form.save(commit=False)
            request.save(update_fields=[*PROJECT_FIELDS, "updated"])
        if choices is not None:
            _set_datasets(request, choices)
        audit_log(
            actor=actor,
            action="broker.request." + ("created" if created else "edited"),
            obj=request,
            data={"reference": request.reference, "parent": parent.reference if parent else ""},
        )
    return request


def _check_editable(request: AccessRequest) -> None:
    if request.status not in EDITABLE:
        raise ConflictError(
            _("Ansøgningen kan kun ændres som kladde eller når den er sendt retur (den er nu »%(s)s«).")
            % {"s": request.get_status_display()},
            extra={"allowed": []},
        )


def is_amendable(request: AccessRequest) -> bool:
    """An amendment may be applied for: an approved main request that has not ended."""
    return request.status in AMENDABLE and request.kind == AccessRequest.Kind.NEW


def check_amendable(parent: AccessRequest) -> None:
    if not is_amendable(parent):
        raise ConflictError(
            _("Der kan kun søges tillæg til en godkendt ansøgning, der ikke er afsluttet."),
            extra={"allowed": []},
        )


def _amendment_base(parent: AccessRequest | None) -> AccessRequest | None:
    """An amendment starts as a copy of its parent's project fields (a separate instance,
    so the parent object is never touched)."""
    return AccessRequest.objects.get(pk=parent.pk) if parent is not None else None


# ---------------------------------------------------------------------------------------------
# Documents


def document_add(*, actor: Any, request: AccessRequest, kind: str, upload) -> RequestDocument:
    """Attach a document (protocol, approval) while the applicant holds the request or a
    custodian has asked for updates. Data files are refused (see documents.py)."""
    if not permissions.is_applicant(actor, request):
        raise PermissionDeniedError(_("Kun ansøgeren kan vedhæfte dokumenter."))
    _check_documents_open(request)
    if kind not in RequestDocument.Kind.values:
        raise ValidationError(
            {"kind": [_("Vælg en dokumenttype: %(k)s.") % {"k": ", ".join(RequestDocument.Kind.values)}]}
        )
    if upload is None:
        raise ValidationError({"file": [_("Vælg en fil.")]})
    content_type = validate_document(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = RequestDocument(
        request=request,
        kind=kind,
        filename=upload.name[-200:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    # The file is written before the transaction (no database lock held while copying it)
    # and removed again when the row is not written.
    document.file.save(upload.name[-100:], upload, save=False)
    try:
        with transaction.atomic():
            _check_documents_open(AccessRequest.objects.select_for_update().get(pk=request.pk))
            document.save()
            audit_log(
                actor=actor,
                action="broker.document.added",
                obj=request,
                data={
                    "document": document.filename,
                    "kind": kind,
                    "size": upload.size,
                    "sha256": document.sha256,
                },
            )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def documents_open(request: AccessRequest) -> bool:
    """Documents may be attached or removed: in a draft, a returned request, or while a
    custodian waits for updates."""
    return request.status in EDITABLE or (
        request.status == S.ROUTED and request.parts.filter(status=P.UPDATES_REQUESTED).exists()
    )


def _check_documents_open(request: AccessRequest) -> None:
    if not documents_open(request):
        raise ConflictError(
            _(
                "Dokumenter kan vedhæftes og fjernes i en kladde, en ansøgning "
                "sendt retur, eller når en dataansvarlig har bedt om ændringer."
            ),
            extra={"allowed": []},
        )


def document_remove(*, actor: Any, request: AccessRequest, document: RequestDocument) -> None:
    """The applicant removes a document uploaded by mistake, while documents may change; the
    file goes when the deletion commits."""
    if not permissions.is_applicant(actor, request) or document.request_id != request.pk:
        raise PermissionDeniedError(_("Kun ansøgeren kan fjerne dokumenter."))
    with transaction.atomic():
        _check_documents_open(AccessRequest.objects.select_for_update().get(pk=request.pk))
        name, storage = document.file.name, document.file.storage
        audit_log(
            actor=actor,
            action="broker.document.removed",
            obj=request,
            data={"document": document.filename, "kind": document.kind, "sha256": document.sha256},
        )
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------------------------
# Transitions


def allowed_moves(request: AccessRequest) -> dict[str, Any]:
    """The moves the state machine allows now (whoever may make them), for 409 answers and
    the buttons: {"request": [...], "parts": {part_id: [...]}}."""
    parts = list(request.parts.all())
    decided = bool(parts) and all(p.status in DECIDED for p in parts)
    any_approved = any(p.status in APPROVED for p in parts)
    orphaned = _orphaned(request)
    moves = []
    for to in REQUEST_FLOW[request.status]:
        if orphaned and to not in (S.WITHDRAWN, S.CLOSED):
            continue
        if to == S.COST_ESTIMATE and not (decided and any_approved):
            continue
        if to == S.CLOSED and request.status == S.ROUTED and not (decided and not any_approved):
            continue
        moves.append(to)
    part_moves = {
        p.pk: (sorted(PART_FLOW[p.status]) if request.status == S.ROUTED and not orphaned else [])
        for p in parts
    }
    return {"request": sorted(moves), "parts": part_moves}


def _orphaned(request: AccessRequest) -> bool:
    """An amendment whose main request has ended (closed or withdrawn) cannot go on: it may
    only be withdrawn or closed."""
    return request.parent_id is not None and not is_amendable(request.parent)


def moves_for(actor: Any, request: AccessRequest) -> dict[str, Any]:
    """The subset of `allowed_moves` this person may make (for buttons)."""
    moves = allowed_moves(request)
    mine = [to for to in moves["request"] if _may_act(actor, request, REQUEST_FLOW[request.status][to])]
    parts = {}
    for part in request.parts.all():
        parts[part.pk] = [
            to
            for to in moves["parts"].get(part.pk, [])
            if _may_act(actor, request, PART_FLOW[part.status][to], part)
        ]
    return {"request": mine, "parts": parts}


def _may_act(actor: Any, request: AccessRequest, side: str, part: RequestPart | None = None) -> bool:
    if side == APPLICANT:
        return permissions.is_applicant(actor, request)
    if permissions.is_applicant(actor, request):
        return False  # nobody decides on their own application
    if side == BROKER:
        return permissions.is_broker(actor)
    return permissions.is_broker(actor) or (part is not None and permissions.is_part_custodian(actor, part))


def _refuse(message: str, allowed: dict) -> ConflictError:
    return ConflictError(message, errors={"to": [message]}, extra={"allowed": allowed})


def request_transition(
    *,
    actor: Any,
    request: AccessRequest,
    to: str,
    note: str = "",
    part: RequestPart | int | None = None,
    cost_estimate: Any = None,
    variables: dict | None = None,
) -> AccessRequest:
    """Move the request, or one custodian's part of it (`to` is a part state), checking
    the state (409 with the allowed moves), the side (403) and the step's own rules (400).

    `variables` ({dataset key: [names]}) goes with the applicant's answer to "updates
    requested": the variables of that part's datasets as they should now be."""
    if not permissions.can_view(actor, request):
        raise PermissionDeniedError(_("Du har ikke adgang til denne ansøgning."))
    note = _clean_text(note or "", "note").strip()
    if to in PART_STATES:
        return _part_transition(actor, request, to, note, part, variables)
    if variables is not None:
        raise ValidationError(
            {"variables": [_("Variable kan kun ændres i svaret på et ønske om ændringer.")]}
        )
    if to not in REQUEST_FLOW:
        raise ValidationError({"to": [_("Ukendt status »%(t)s«.") % {"t": str(to)[:40]}]})
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().get(pk=request.pk)
        before = request.status
        moves = allowed_moves(request)
        if to not in moves["request"]:
            reason = _("Ansøgningen kan ikke gå fra »%(f)s« til »%(t)s«.") % {
                "f": request.get_status_display(),
                "t": to,
            }
            if to in REQUEST_FLOW[before]:
                reason = _undecided_reason(request, to) or reason
            raise _refuse(reason, moves)
        side = REQUEST_FLOW[before][to]
        if not _may_act(actor, request, side):
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
        now = timezone.now()
        if to == S.SUBMITTED:
            _check_complete(request)
            request.submitted_at = request.submitted_at or now
        elif to == S.ROUTED:
            _route(request)
        elif to == S.COST_ESTIMATE:
            request.cost_estimate = _amount(cost_estimate)
            request.cost_note = note
            request.approved_at = now
        elif to == S.ACTIVE:
            request.active_at = now
            if request.parent_id:
                _extend_parent(request, actor)
        elif to in (S.CLOSED, S.WITHDRAWN):
            request.closed_at = now
            # Nobody has to act on a part any more: no due date, never overdue.
            request.parts.exclude(status__in=DECIDED).update(due_at=None)
        request.status = to
        request.due_at = _due(to)
        if to == S.ACTIVE and request.period_to:
            request.due_at = _period_end(request)
        request.save()
        _record(request, actor, side, before, to, note)
        _notify_move(request, actor, side, before, to, note)
    return request


def _period_end(request: AccessRequest) -> datetime:
    """An active request is due at the end of the last day of its period."""
    return timezone.make_aware(datetime.combine(request.period_to, time.max))


def _extend_parent(amendment: AccessRequest, actor: Any) -> None:
    """An active amendment with a later end extends its main request's period (and due
    date); the main request's state does not change."""
    parent = AccessRequest.objects.select_for_update().get(pk=amendment.parent_id)
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
        actor=actor if getattr(actor, "is_authenticated", False) else None,
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


def _undecided_reason(request: AccessRequest, to: str) -> str:
    if _orphaned(request):
        return _(
            "Hovedansøgningen %(ref)s er afsluttet; tillægget kan kun trækkes tilbage eller afsluttes."
        ) % {"ref": request.parent.reference}
    open_parts = [
        p.custodian.name for p in request.parts.select_related("custodian") if p.status not in DECIDED
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


def _check_complete(request: AccessRequest) -> None:
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_TO_SUBMIT:
        if not getattr(request, name).strip():
            errors[name] = [_("Skal udfyldes, før ansøgningen kan sendes.")]
    chosen = list(request.requested_datasets.select_related("dataset").prefetch_related("dataset__variables"))
    if not chosen:
        errors["datasets"] = [_("Vælg mindst ét datasæt.")]
    missing = [c.dataset.title for c in chosen if not c.variables and c.dataset.variables.all()]
    if missing:
        errors.setdefault("datasets", []).append(
            _("Vælg de variable, I har brug for, fra: %(d)s.") % {"d": ", ".join(missing)}
        )
    if errors:
        raise ValidationError(errors)


def _route(request: AccessRequest) -> None:
    """One part per custodian of the chosen datasets, each pending with its own due date."""
    for chosen in request.requested_datasets.select_related("dataset"):
        part, _created = RequestPart.objects.get_or_create(
            request=request,
            custodian_id=chosen.dataset.custodian_id,
            defaults={"status": P.PENDING, "due_at": _due(P.PENDING)},
        )
        chosen.part = part
        chosen.save(update_fields=["part"])


def _part_transition(
    actor: Any,
    request: AccessRequest,
    to: str,
    note: str,
    part: RequestPart | int | None,
    variables: dict | None = None,
) -> AccessRequest:
    parts = request.parts.all()
    if part is None:
        mine = [p for p in parts if permissions.is_part_custodian(actor, p)]
        if len(mine) != 1:
            raise ValidationError({"part": [_("Angiv hvilken delansøgning (part).")]})
        part = mine[0]
    part_id = part.pk if isinstance(part, RequestPart) else part
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().get(pk=request.pk)
        # numeric_id is None for anything but an id, and pk=None matches no row
        part = RequestPart.objects.select_for_update().filter(request=request, pk=numeric_id(part_id)).first()
        if part is None:
            raise ValidationError({"part": [_("Ukendt delansøgning.")]})
        if (
            permissions.is_custodian(actor)
            and not permissions.is_broker(actor)
            and not permissions.is_part_custodian(actor, part)
            and not permissions.is_applicant(actor, request)
        ):
            raise PermissionDeniedError(_("Delansøgningen hører til en anden dataansvarlig."))
        moves = allowed_moves(request)
        before = part.status
        if to not in moves["parts"][part.pk]:
            raise _refuse(
                _("Delansøgningen hos %(c)s kan ikke gå fra »%(f)s« til »%(t)s«.")
                % {"c": part.custodian.name, "f": part.get_status_display(), "t": to}
                if request.status == S.ROUTED
                else _("Ansøgningen er ikke til behandling hos de dataansvarlige (den er »%(s)s«).")
                % {"s": request.get_status_display()},
                moves,
            )
        side = PART_FLOW[before][to]
        if not _may_act(actor, request, side, part):
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
        _record(request, actor, side, before, to, note, part=part)
        all_decided = all(p.status in DECIDED for p in request.parts.all())
        if all_decided:
            request.due_at = _due("all_decided")
            request.save(update_fields=["due_at", "updated"])
        _notify_move(request, actor, side, before, to, note, part=part, all_decided=all_decided)
    return request


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
        if unknown := _unknown_variables(entry.dataset, names):
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
    request: AccessRequest,
    actor: Any,
    side: str,
    before: str,
    to: str,
    note: str,
    part: RequestPart | None = None,
) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    role = side
    if side == CUSTODIAN and part is not None and not permissions.is_part_custodian(actor, part):
        role = "broker_for_custodian"
    RequestEvent.objects.create(
        request=request,
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
        obj=request,
        data={
            "from": before,
            "to": to,
            "note": note[:500],
            "part": part.custodian.key if part else "",
            "as": role,
        },
    )


# ---------------------------------------------------------------------------------------------
# Notifications: the other side hears of every move, by e-mail through the task queue.


def brokers():
    return get_user_model().objects.filter(is_active=True, role=Role.DATA_BROKER)


def custodian_users(organisation_id: int):
    return get_user_model().objects.filter(
        is_active=True, role=Role.DATA_CUSTODIAN, organisation_id=organisation_id
    )


def _notify_move(
    request: AccessRequest,
    actor: Any,
    side: str,
    before: str,
    to: str,
    note: str,
    part: RequestPart | None = None,
    all_decided: bool = False,
) -> None:
    recipients: set[str] = set()
    if side != APPLICANT:
        recipients.add(request.applicant.email)
    if side == APPLICANT:
        recipients.update(u.email for u in brokers())
        if part is not None:  # an answer to the custodian's questions
            recipients.update(u.email for u in custodian_users(part.custodian_id))
        elif to == S.WITHDRAWN:  # custodians still deciding or preparing data
            for live in request.parts.exclude(status=P.REJECTED):
                recipients.update(u.email for u in custodian_users(live.custodian_id))
    if side == CUSTODIAN and part is not None and not permissions.is_part_custodian(actor, part):
        # recorded by the broker on the custodian's behalf: the custodian hears of it
        recipients.update(u.email for u in custodian_users(part.custodian_id))
    if to == S.ROUTED:
        for routed in request.parts.all():
            recipients.update(u.email for u in custodian_users(routed.custodian_id))
    if all_decided:
        recipients.update(u.email for u in brokers())
    if to in (S.ACCEPTED, S.PROVISIONING, S.ACTIVE, S.CLOSED):
        # The custodians who approved provide the data: they hear of every step after it.
        for approved in request.parts.filter(status__in=APPROVED):
            recipients.update(u.email for u in custodian_users(approved.custodian_id))
    recipients.discard(getattr(actor, "email", None))
    recipients.discard("")
    if not recipients:
        return

    def lines() -> Iterator[str]:
        if part is not None:
            yield _("Delansøgning hos %(c)s: %(s)s") % {"c": part.custodian.name, "s": state_label(to)}
        else:
            yield _("Ny status: %(s)s") % {"s": state_label(to)}
        if note:
            yield _("Begrundelse: %(n)s") % {"n": note}
        if all_decided:
            yield _("Alle dataansvarlige har nu truffet afgørelse.")
        if to == S.COST_ESTIMATE and request.cost_estimate is not None:
            yield _("Prisoverslag: %(a)s kr.") % {
                "a": number_format(request.cost_estimate, 2, force_grouping=True)
            }

    _mail(request, recipients, lambda: state_label(to), lines)


def _mail(
    request: AccessRequest,
    recipients: Iterable[str],
    subject: Callable[[], str],
    lines: Callable[[], Iterable[str]],
) -> int:
    """One mail per recipient about `request`: `subject()` in Danish, the body in Danish and
    English – each part with the request, `lines()` and the link to the page in that language
    (not the language of whoever acted)."""
    bodies = []
    for language in ("da", "en"):
        with override(language):
            link = settings.SITE_URL.rstrip("/") + request.get_absolute_url()
            bodies.append(
                "\n".join(
                    [
                        _("Ansøgning %(ref)s: %(title)s")
                        % {"ref": request.reference, "title": request.project_title},
                        *lines(),
                        _("Se ansøgningen: %(link)s") % {"link": link},
                    ]
                )
            )
    with override("da"):
        title = f"[Videnbro] {request.reference}: {subject()}"
    body = "\n\n— English —\n\n".join(bodies) + "\n"
    recipients = sorted(recipients)
    for email in recipients:
        enqueue(send_email, email, title, body)
    return len(recipients)


# ---------------------------------------------------------------------------------------------
# Overdue steps: who must act, and a reminder to them (`videnbro broker overdue --notify`,
# run daily from cron or a systemd timer).


@dataclass
class OverdueStep:
    request: AccessRequest
    part: RequestPart | None
    state: str
    due_at: datetime
    recipients: set[str]


def overdue_steps(now: datetime | None = None) -> list[OverdueStep]:
    """Every overdue step with the people who must act on it, oldest due date first."""
    from .selectors import OPEN

    now = now or timezone.now()
    broker_emails = {u.email for u in brokers() if u.email}
    steps: list[OverdueStep] = []
    late = AccessRequest.objects.filter(due_at__lt=now, status__in=OPEN).select_related("applicant")
    for request in late:
        applicant = {request.applicant.email} - {""}
        who = {S.RETURNED: applicant, S.COST_ESTIMATE: applicant, S.ACTIVE: broker_emails | applicant}.get(
            request.status, broker_emails
        )
        steps.append(OverdueStep(request, None, request.status, request.due_at, set(who)))
    parts = RequestPart.objects.filter(
        due_at__lt=now, status__in=RequestPart.OPEN, request__status=S.ROUTED
    ).select_related("request__applicant", "custodian")
    for part in parts:
        if part.status == P.UPDATES_REQUESTED:
            who = {part.request.applicant.email} - {""}
        else:
            who = {u.email for u in custodian_users(part.custodian_id) if u.email} or broker_emails
        steps.append(OverdueStep(part.request, part, part.status, part.due_at, who))
    steps.sort(key=lambda step: step.due_at)
    return steps


def send_overdue_reminders(now: datetime | None = None) -> int:
    """One reminder per overdue step and person; returns how many were queued."""
    sent = 0
    with transaction.atomic():
        for step in overdue_steps(now):

            def lines(step=step) -> list[str]:
                where = _("hos %(c)s") % {"c": step.part.custodian.name} if step.part else ""
                return [
                    _("Fristen for skridtet »%(s)s« %(where)s udløb %(d)s.")
                    % {
                        "s": state_label(step.state),
                        "where": where,
                        "d": timezone.localtime(step.due_at).date().isoformat(),
                    }
                ]

            sent += _mail(step.request, step.recipients, lambda: _("frist overskredet"), lines)
    return sent
