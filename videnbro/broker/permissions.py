"""Who may see and do what at the data entry point; called by services (and by views to
hide buttons).

- Any signed-in person may apply; a request is visible to its applicant, the broker
  (Dataindgangen: users with the data-broker role, and platform admins) once it has been
  submitted, and the custodians whose datasets it was routed to – never to another applicant.
  A draft is the applicant's own.
- The broker screens, returns or routes a request, makes the cost estimate, provisions and
  closes; it may also record a custodian's decision on the custodian's behalf (most
  registries answer by e-mail), which the trail marks as such.
- A custodian (data-custodian role) acts only on the part of its own organisation.
- The applicant submits, answers requests for updates, accepts the cost estimate, withdraws
  and applies for amendments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from videnbro.accounts.models import Role

if TYPE_CHECKING:
    from .models import AccessRequest, RequestPart


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_broker(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.DATA_BROKER, Role.PLATFORM_ADMIN)


def is_custodian(user: Any) -> bool:
    return _signed_in(user) and user.role == Role.DATA_CUSTODIAN and user.organisation_id is not None


def is_applicant(user: Any, access_request: AccessRequest) -> bool:
    return _signed_in(user) and access_request.applicant_id == user.pk


def is_part_custodian(user: Any, part: RequestPart) -> bool:
    return is_custodian(user) and part.custodian_id == user.organisation_id


def can_apply(user: Any) -> bool:
    return _signed_in(user)


def visible_requests(user: Any, queryset: QuerySet) -> QuerySet:
    """The requests this person may see; everything else is a 404 to them."""
    if not _signed_in(user):
        return queryset.none()
    condition = Q(applicant=user)
    if is_broker(user):  # everything submitted; a draft is the applicant's own until then
        return queryset.filter(condition | Q(submitted_at__isnull=False))
    if is_custodian(user):
        condition |= Q(parts__custodian_id=user.organisation_id)
    return queryset.filter(condition).distinct()


def can_view(user: Any, access_request: AccessRequest) -> bool:
    if is_applicant(user, access_request):
        return True
    if is_broker(user):
        return access_request.submitted_at is not None
    return is_custodian(user) and access_request.parts.filter(custodian_id=user.organisation_id).exists()


def role_in(user: Any, access_request: AccessRequest) -> str:
    """The side this person acts on for this request: applicant, broker or custodian."""
    if is_applicant(user, access_request):
        return "applicant"
    if is_broker(user):
        return "broker"
    if is_custodian(user) and access_request.parts.filter(custodian_id=user.organisation_id).exists():
        return "custodian"
    return ""
