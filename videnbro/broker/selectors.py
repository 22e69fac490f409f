"""Reads of the data entry point: what each side sees, the moves the state machine allows
now, the custodian's inbox and the public register."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from videnbro.accounts.types import Actor
from videnbro.datamap.models import Dataset

from . import permissions
from .filters import OPEN, AccessRequestFilter, RequestPartFilter, filtered, overdue_q
from .models import AccessRequest, RequestedDataset, RequestPart
from .workflows import APPROVED, DECIDED, PART_MACHINE, REQUEST_MACHINE, is_orphaned, may_act

__all__ = [
    "OPEN",
    "REGISTER_STATES",
    "allowed_moves",
    "approved_datasets",
    "approved_uses",
    "approved_uses_of",
    "custodian_inbox",
    "filter_requests",
    "moves_for",
    "overdue_q",
    "request_queryset",
    "status_counts",
    "visible",
]

S = AccessRequest.Status
P = RequestPart.Status
REGISTER_STATES = [S.ACCEPTED, S.PROVISIONING, S.ACTIVE, S.CLOSED]
Moves = dict[str, Any]  # {"request": [state, …], "parts": {part id: [state, …]}}


def request_queryset() -> QuerySet[AccessRequest]:
    return AccessRequest.objects.select_related(
        "applicant", "organisation", "parent", "sandbox"
    ).prefetch_related(
        Prefetch("parts", queryset=RequestPart.objects.select_related("custodian")),
        Prefetch(
            "requested_datasets", queryset=RequestedDataset.objects.select_related("dataset__custodian")
        ),
        "documents",
        "amendments",
    )


def visible(user: Actor) -> QuerySet[AccessRequest]:
    return permissions.visible_requests(user, request_queryset())


def filter_requests(queryset: QuerySet[AccessRequest], params: Mapping[str, Any]) -> QuerySet[AccessRequest]:
    """`queryset` narrowed by the list's filters (filters.AccessRequestFilter); an unknown
    status is a ValidationError."""
    return filtered(AccessRequestFilter(params, queryset=queryset)).distinct()


def custodian_inbox(user: Any, params: Mapping[str, Any] | None = None) -> QuerySet[RequestPart]:
    """The parts that concern the person's organisation, oldest due date first."""
    params = params or {}
    parts = (
        RequestPart.objects.filter(custodian_id=user.organisation_id)
        .select_related("request__organisation", "custodian")
        .prefetch_related("datasets__dataset")
    )
    data = {"status": params.get("status") or "open", "overdue": params.get("overdue") or ""}
    return filtered(RequestPartFilter(data, queryset=parts)).order_by("due_at", "created")


def status_counts(queryset: QuerySet[AccessRequest]) -> list[tuple[str, str, int]]:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, str(label), counts.get(value, 0)) for value, label in S.choices]


# ---------------------------------------------------------------------------------------------
# The moves the state machine allows now


def allowed_moves(access_request: AccessRequest) -> Moves:
    """The moves the state machine allows now (whoever may make them), for 409 answers and
    the buttons: {"request": [...], "parts": {part_id: [...]}}."""
    parts = list(access_request.parts.all())
    decided = bool(parts) and all(p.status in DECIDED for p in parts)
    any_approved = any(p.status in APPROVED for p in parts)
    orphaned = is_orphaned(access_request)
    moves = []
    for to in REQUEST_MACHINE.allowed(access_request.status):
        if orphaned and to not in (S.WITHDRAWN, S.CLOSED):
            continue
        if to == S.COST_ESTIMATE and not (decided and any_approved):
            continue
        if to == S.CLOSED and access_request.status == S.ROUTED and not (decided and not any_approved):
            continue
        moves.append(to)
    part_moves = {
        p.pk: (PART_MACHINE.allowed(p.status) if access_request.status == S.ROUTED and not orphaned else [])
        for p in parts
    }
    return {"request": moves, "parts": part_moves}


def moves_for(actor: Actor, access_request: AccessRequest) -> Moves:
    """The subset of `allowed_moves` this person may make (for buttons)."""
    moves = allowed_moves(access_request)
    status = access_request.status
    mine = [
        to
        for to in moves["request"]
        if may_act(actor, access_request, REQUEST_MACHINE.side(status, to) or "")
    ]
    parts = {}
    for part in access_request.parts.all():
        parts[part.pk] = [
            to
            for to in moves["parts"].get(part.pk, [])
            if may_act(actor, access_request, PART_MACHINE.side(part.status, to) or "", part)
        ]
    return {"request": mine, "parts": parts}


# ---------------------------------------------------------------------------------------------
# The public register of approved uses


def approved_uses() -> QuerySet[AccessRequest]:
    """The public register: approved projects with organisation, datasets and purpose –
    never the applicant's name or contact details."""
    return (
        AccessRequest.objects.filter(
            kind=AccessRequest.Kind.NEW, approved_at__isnull=False, status__in=REGISTER_STATES
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch("parts", queryset=RequestPart.objects.select_related("custodian")),
            Prefetch(
                "requested_datasets", queryset=RequestedDataset.objects.select_related("dataset", "part")
            ),
            Prefetch(
                "amendments",
                queryset=AccessRequest.objects.filter(
                    approved_at__isnull=False, status__in=REGISTER_STATES
                ).prefetch_related(
                    Prefetch(
                        "requested_datasets",
                        queryset=RequestedDataset.objects.select_related("dataset", "part"),
                    )
                ),
            ),
        )
        .order_by("-approved_at")
    )


def approved_datasets(access_request: AccessRequest) -> list[Dataset]:
    """The datasets a register entry covers: those of approved parts, amendments included."""
    entries = [access_request, *access_request.amendments.all()]
    seen: set[int] = set()
    datasets: list[Dataset] = []
    for entry in entries:
        for chosen in entry.requested_datasets.all():
            if chosen.part and chosen.part.status in APPROVED and chosen.dataset_id not in seen:
                seen.add(chosen.dataset_id)
                datasets.append(chosen.dataset)
    return datasets


def approved_uses_of(dataset: Dataset) -> QuerySet[AccessRequest]:
    """Register entries whose approved parts (amendments included) cover this dataset."""
    covered = Q(requested_datasets__dataset=dataset, requested_datasets__part__status__in=APPROVED)
    covered |= Q(
        amendments__requested_datasets__dataset=dataset,
        amendments__requested_datasets__part__status__in=APPROVED,
        amendments__approved_at__isnull=False,
        amendments__status__in=REGISTER_STATES,
    )
    return approved_uses().filter(covered).distinct()
