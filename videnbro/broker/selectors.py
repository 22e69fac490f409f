"""Reads of the data entry point: what each side sees, overdue steps and the public register."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import AccessRequest, RequestedDataset, RequestPart

S = AccessRequest.Status
P = RequestPart.Status
OPEN = [S.SUBMITTED, S.SCREENING, S.RETURNED, S.ROUTED, S.COST_ESTIMATE, S.ACCEPTED, S.PROVISIONING, S.ACTIVE]
REGISTER_STATES = [S.ACCEPTED, S.PROVISIONING, S.ACTIVE, S.CLOSED]


def request_queryset() -> QuerySet:
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


def visible(user) -> QuerySet:
    return permissions.visible_requests(user, request_queryset())


def overdue_q(now=None) -> Q:
    """A request whose own step is late, or one with a custodian's part that is late."""
    now = now or timezone.now()
    return Q(due_at__lt=now, status__in=OPEN) | Q(
        status=S.ROUTED, parts__due_at__lt=now, parts__status__in=RequestPart.OPEN
    )


def filter_requests(queryset: QuerySet, params) -> QuerySet:
    errors: dict[str, list[str]] = {}
    status = params.get("status") or ""
    if status == "open":
        queryset = queryset.filter(status__in=OPEN)
    elif status:
        if status not in S.values:
            errors["status"] = [_("Ukendt status: %(s)s.") % {"s": status[:40]}]
        queryset = queryset.filter(status=status)
    if params.get("overdue") in ("1", "true", "yes"):
        queryset = queryset.filter(overdue_q())
    if custodian := params.get("custodian"):
        queryset = queryset.filter(
            Q(parts__custodian__key=custodian) | Q(requested_datasets__dataset__custodian__key=custodian)
        )
    if q := (params.get("q") or "").strip():
        queryset = queryset.filter(
            Q(reference__iexact=q)
            | Q(project_title__icontains=q)
            | Q(organisation__name__icontains=q)
            | Q(organisation_name__icontains=q)
        )
    if errors:
        raise ValidationError(errors)
    return queryset.distinct()


def custodian_inbox(user, params=None) -> QuerySet:
    """The parts that concern the person's organisation, oldest due date first."""
    params = params or {}
    parts = (
        RequestPart.objects.filter(custodian_id=user.organisation_id)
        .select_related("request__organisation", "custodian")
        .prefetch_related("datasets__dataset")
    )
    status = params.get("status") or "open"
    if status == "open":
        parts = parts.filter(status__in=RequestPart.OPEN, request__status=S.ROUTED)
    elif status in P.values:
        parts = parts.filter(status=status)
    elif status != "all":
        raise ValidationError({"status": [_("Ukendt status: %(s)s.") % {"s": status[:40]}]})
    if params.get("overdue") in ("1", "true", "yes"):
        parts = parts.filter(due_at__lt=timezone.now(), status__in=RequestPart.OPEN, request__status=S.ROUTED)
    return parts.order_by("due_at", "created")


def status_counts(queryset: QuerySet) -> list[tuple[str, str, int]]:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in S.choices]


def approved_uses() -> QuerySet:
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


def approved_datasets(request: AccessRequest) -> list:
    """The datasets a register entry covers: those of approved parts, amendments included."""
    entries = [request, *[a for a in request.amendments.all()]]
    seen, datasets = set(), []
    for entry in entries:
        for chosen in entry.requested_datasets.all():
            if chosen.part and chosen.part.status in RequestPart.APPROVED and chosen.dataset_id not in seen:
                seen.add(chosen.dataset_id)
                datasets.append(chosen.dataset)
    return datasets


def approved_uses_of(dataset) -> QuerySet:
    """Register entries whose approved parts (amendments included) cover this dataset."""
    approved = RequestPart.APPROVED
    covered = Q(requested_datasets__dataset=dataset, requested_datasets__part__status__in=approved)
    covered |= Q(
        amendments__requested_datasets__dataset=dataset,
        amendments__requested_datasets__part__status__in=approved,
        amendments__approved_at__isnull=False,
        amendments__status__in=REGISTER_STATES,
    )
    return approved_uses().filter(covered).distinct()
