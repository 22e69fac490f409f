"""Overdue steps: who must act, and a reminder to them (`videnbro broker overdue --notify`,
run daily from cron or a systemd timer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AccessRequest, RequestPart, state_label
from ..selectors import OPEN
from .notifications import brokers, custodian_users, mail

S = AccessRequest.Status
P = RequestPart.Status


@dataclass
class OverdueStep:
    access_request: AccessRequest
    part: RequestPart | None
    state: str
    due_at: datetime
    recipients: set[str]


def overdue_steps(now: datetime | None = None) -> list[OverdueStep]:
    """Every overdue step with the people who must act on it, oldest due date first."""
    now = now or timezone.now()
    broker_emails = {u.email for u in brokers() if u.email}
    steps: list[OverdueStep] = []
    late = AccessRequest.objects.filter(due_at__lt=now, status__in=OPEN).select_related("applicant")
    for access_request in late:
        applicant = {access_request.applicant.email} - {""}
        by_state: dict[str, set[str]] = {
            S.RETURNED: applicant,
            S.COST_ESTIMATE: applicant,
            S.ACTIVE: broker_emails | applicant,
        }
        who = by_state.get(access_request.status, broker_emails)
        if access_request.due_at is not None:  # always: filtered on due_at__lt
            steps.append(
                OverdueStep(access_request, None, access_request.status, access_request.due_at, set(who))
            )
    parts = RequestPart.objects.filter(
        due_at__lt=now, status__in=RequestPart.OPEN, request__status=S.ROUTED
    ).select_related("request__applicant", "custodian")
    for part in parts:
        if part.status == P.UPDATES_REQUESTED:
            who = {part.request.applicant.email} - {""}
        else:
            who = {u.email for u in custodian_users(part.custodian_id) if u.email} or broker_emails
        if part.due_at is not None:  # always: filtered on due_at__lt
            steps.append(OverdueStep(part.request, part, part.status, part.due_at, who))
    steps.sort(key=lambda step: step.due_at)
    return steps


def send_overdue_reminders(now: datetime | None = None) -> int:
    """One reminder per overdue step and person; returns how many were queued."""
    sent = 0
    with transaction.atomic():
        for step in overdue_steps(now):

            def lines(step: OverdueStep = step) -> list[str]:
                where = _("hos %(c)s") % {"c": step.part.custodian.name} if step.part else ""
                return [
                    _("Fristen for skridtet »%(s)s« %(where)s udløb %(d)s.")
                    % {
                        "s": state_label(step.state),
                        "where": where,
                        "d": timezone.localtime(step.due_at).date().isoformat(),
                    }
                ]

            sent += mail(step.access_request, step.recipients, lambda: _("frist overskredet"), lines)
    return sent
