"""Overdue steps: who must act on each, and the daily reminder (`videnbro broker overdue`)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from videnbro.broker import services
from videnbro.broker.models import AccessRequest, RequestPart

from .factories import BEF, DST, LPR, SDS

pytestmark = pytest.mark.django_db
S = AccessRequest.Status
P = RequestPart.Status


def overdue(obj) -> None:
    obj.due_at = timezone.now() - timedelta(days=3)
    obj.save(update_fields=["due_at"])


def test_it_nothing_is_overdue_on_time(make_request):
    make_request(S.SCREENING)
    make_request(S.ROUTED, datasets=(LPR, BEF))
    assert services.overdue_steps() == []


@pytest.mark.parametrize(
    "state, side",
    [
        (S.SUBMITTED, "broker"),
        (S.SCREENING, "broker"),
        (S.RETURNED, "applicant"),
        (S.COST_ESTIMATE, "applicant"),
        (S.ACCEPTED, "broker"),
        (S.PROVISIONING, "broker"),
    ],
)
def test_it_a_late_request_step_names_whoever_must_act(make_request, applicant, broker, state, side):
    request = make_request(state)
    overdue(request)
    (step,) = services.overdue_steps()
    assert step.access_request == request and step.part is None and step.state == state
    assert step.recipients == {applicant.email if side == "applicant" else broker.email}


def test_it_a_late_part_names_its_custodian_or_the_applicant_when_waiting_for_them(
    make_request, applicant, custodians
):
    request = make_request(S.ROUTED, datasets=(LPR, BEF), parts={SDS: P.IN_REVIEW, DST: P.UPDATES_REQUESTED})
    for part in request.parts.all():
        overdue(part)
    steps = {step.part.custodian.key: step for step in services.overdue_steps()}
    assert steps[SDS].recipients == {custodians[SDS].email}
    assert steps[DST].recipients == {applicant.email}


def test_it_a_withdrawn_request_is_never_overdue(make_request, applicant):
    request = make_request(S.ROUTED, datasets=(LPR, BEF))
    services.request_transition(actor=applicant, access_request=request, to=S.WITHDRAWN)
    request.refresh_from_db()
    overdue(request)
    assert services.overdue_steps() == []


def test_it_the_command_lists_and_reminds(make_request, applicant, run_tasks, mailoutbox):
    request = make_request(S.COST_ESTIMATE)
    overdue(request)
    run_tasks()
    mailoutbox.clear()
    out = StringIO()
    call_command("broker", "overdue", "--notify", stdout=out)
    assert f"{request.reference}: cost_estimate, 3 day(s) overdue → {applicant.email}" in out.getvalue()
    assert "Queued 1 reminder(s)." in out.getvalue()
    run_tasks()
    (mail,) = mailoutbox
    assert mail.to == [applicant.email] and request.reference in mail.subject
    assert "Prisoverslag sendt" in mail.body and request.get_absolute_url() in mail.body


@pytest.mark.regression
def test_it_the_reminder_links_each_language_to_its_own_page(make_request, applicant, run_tasks, mailoutbox):
    from django.conf import settings
    from django.utils.translation import override

    request = make_request(S.COST_ESTIMATE)
    overdue(request)
    run_tasks()
    mailoutbox.clear()
    with override("en"):  # whoever runs it: the links follow each part's language
        services.send_overdue_reminders()
    run_tasks()
    (mail,) = mailoutbox
    danish, english = mail.body.split("\n\n— English —\n\n")
    site = settings.SITE_URL.rstrip("/")
    assert f"{site}/dataindgang/{request.reference}/" in danish
    assert f"{site}/en/dataindgang/{request.reference}/" in english
    assert "Cost estimate sent" in english and "frist overskredet" in mail.subject
