"""Every move tells the other side by e-mail (sent by the task worker): the applicant hears of
the broker's and the custodians' moves, the broker of the applicant's, each custodian of the
routing and of answers to its questions, and the broker when the last custodian has decided.
Each mail names the reference, the new state, the note and the link, in Danish and English."""

from __future__ import annotations

import pytest
from django.conf import settings

from videnbro.accounts.models import Role
from videnbro.broker import services
from videnbro.broker.models import AccessRequest, RequestPart
from videnbro.core.errors import ConflictError, PermissionDeniedError

from .factories import BEF, DST, LPR, RKKP, SDS

S = AccessRequest.Status
P = RequestPart.Status
SEPARATOR = "\n\n— English —\n\n"


@pytest.fixture
def deliver(run_tasks, mailoutbox):
    """`deliver()` – run the queued tasks and return the mails sent since the last call, by
    recipient (one mail per recipient and move); `deliver(flush=True)` drops them (the mails
    of building the request)."""

    def run(*, flush: bool = False) -> dict:
        run_tasks()
        if flush:
            mailoutbox.clear()
            return {}
        mails = {}
        for mail in mailoutbox:
            (address,) = mail.to
            assert address not in mails, f"two mails to {address}"
            mails[address] = mail
        mailoutbox.clear()
        return mails

    return run


def link(request: AccessRequest, language: str = "da") -> str:
    prefix = "" if language == "da" else f"/{language}"
    return f"{settings.SITE_URL.rstrip('/')}{prefix}/dataindgang/{request.reference}/"


def assert_mail(mail, request: AccessRequest, *, state: str, note: str = "") -> None:
    """Subject with reference and state; a Danish and an English part, each with the
    reference, the note and the link to the page in that language."""
    assert request.reference in mail.subject and state in mail.subject
    danish, english = mail.body.split(SEPARATOR)
    for part, language in ((danish, "da"), (english, "en")):
        assert request.reference in part and request.project_title in part
        assert link(request, language) in part
        if note:
            assert note in part
    assert state in danish


def approving_custodians(request: AccessRequest, to: str) -> set[str]:
    """From acceptance on, the custodians who approved (they provide the data) hear too."""
    if to not in (S.ACCEPTED, S.PROVISIONING, S.ACTIVE, S.CLOSED):
        return set()
    return {
        u.email
        for part in request.parts.filter(status__in=services.APPROVED)
        for u in services.custodian_users(part.custodian_id)
    }


def move(request, actor, to, **kwargs):
    return services.request_transition(actor=actor, access_request=request, to=to, **kwargs)


def test_it_nothing_is_sent_before_the_worker_runs(make_request, applicant, mailoutbox, deliver):
    request = make_request(S.DRAFT)
    move(request, applicant, S.SUBMITTED)
    assert mailoutbox == []
    assert set(deliver()) == {"dataindgang@example.org"}


def test_it_the_broker_hears_of_a_submission(make_request, applicant, broker, deliver):
    request = make_request(S.DRAFT)
    move(request, applicant, S.SUBMITTED, note="Haster lidt")
    mails = deliver()
    assert set(mails) == {broker.email}
    assert_mail(mails[broker.email], request, state="Indsendt", note="Haster lidt")


def test_it_every_active_broker_hears_but_not_other_users(
    make_request, make_user, applicant, broker, deliver
):
    second = make_user(Role.DATA_BROKER, email="dataindgang2@example.org")
    retired = make_user(Role.DATA_BROKER, email="stoppet@example.org")
    retired.is_active = False
    retired.save()
    make_user(Role.ORGANISATION_MEMBER, email="tilskuer@example.org")
    request = make_request(S.DRAFT)
    move(request, applicant, S.SUBMITTED)
    assert set(deliver()) == {broker.email, second.email}


@pytest.mark.parametrize(
    ("frm", "to", "note", "label"),
    [
        (S.SUBMITTED, S.SCREENING, "", "Screening hos Dataindgangen"),
        (S.SCREENING, S.RETURNED, "Protokollen mangler.", "Sendt retur til ansøger"),
        (S.ACCEPTED, S.PROVISIONING, "", "Data stilles til rådighed"),
        (S.PROVISIONING, S.ACTIVE, "Adgang åbnet", "Aktiv"),
        (S.ACTIVE, S.CLOSED, "Projektet er slut.", "Afsluttet"),
    ],
)
def test_it_the_applicant_hears_of_the_brokers_moves(
    make_request, applicant, broker, deliver, frm, to, note, label
):
    request = make_request(frm)
    deliver(flush=True)
    move(request, broker, to, note=note)
    mails = deliver()
    assert set(mails) == {applicant.email, *approving_custodians(request, to)}
    assert_mail(mails[applicant.email], request, state=label, note=note)


def test_it_the_applicant_hears_of_the_cost_estimate_with_the_amount(
    make_request, applicant, broker, deliver
):
    request = make_request(S.ROUTED, parts=P.APPROVED)
    deliver(flush=True)
    move(request, broker, S.COST_ESTIMATE, cost_estimate="12 500", note="To kørsler")
    mails = deliver()
    assert set(mails) == {applicant.email}
    assert_mail(mails[applicant.email], request, state="Prisoverslag sendt", note="To kørsler")
    danish, english = mails[applicant.email].body.split(SEPARATOR)
    assert "12.500,00 kr." in danish and "12,500.00" in english


@pytest.mark.parametrize("frm", [S.RETURNED, S.COST_ESTIMATE])
def test_it_the_broker_hears_of_the_applicants_moves(make_request, applicant, broker, deliver, frm):
    request = make_request(frm)
    deliver(flush=True)
    to = S.SUBMITTED if frm == S.RETURNED else S.ACCEPTED
    move(request, applicant, to, note="Rettet")
    mails = deliver()
    assert set(mails) == {broker.email, *approving_custodians(request, to)}
    assert_mail(
        mails[broker.email],
        request,
        state="Indsendt" if to == S.SUBMITTED else "Accepteret af ansøger",
        note="Rettet",
    )


def test_it_routing_tells_each_custodians_users_and_the_applicant(
    make_request, make_user, org, applicant, broker, custodians, deliver
):
    colleague = make_user(Role.DATA_CUSTODIAN, organisation=org(SDS), email="sds2@example.org")
    make_user(
        Role.DATA_CUSTODIAN, organisation=org("statens-serum-institut"), email="ssi@example.org"
    )  # no dataset of this request
    make_user(Role.ORGANISATION_MEMBER, organisation=org(SDS), email="kantine@example.org")
    request = make_request(S.SCREENING, datasets=(LPR, BEF))
    deliver(flush=True)
    move(request, broker, S.ROUTED, note="Videresendt")
    mails = deliver()
    assert set(mails) == {applicant.email, custodians[SDS].email, colleague.email, custodians[DST].email}
    for mail in mails.values():
        assert_mail(mail, request, state="Til behandling hos dataansvarlige", note="Videresendt")


def test_it_the_applicant_hears_of_each_custodian_decision(
    make_request, applicant, broker, custodians, deliver
):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW})
    deliver(flush=True)
    part = request.parts.get(custodian__key=SDS)
    move(request, custodians[SDS], P.UPDATES_REQUESTED, part=part, note="Angiv diagnosekoderne præcist.")
    mails = deliver()
    assert set(mails) == {applicant.email}  # two custodians are still deciding: not the broker
    mail = mails[applicant.email]
    assert_mail(mail, request, state="Ændringer ønsket", note="Angiv diagnosekoderne præcist.")
    assert "Sundhedsdatastyrelsen" in mail.body.split(SEPARATOR)[0]


def test_it_the_custodian_and_the_broker_hear_the_applicants_answer(
    make_request, make_user, org, applicant, broker, custodians, deliver
):
    request = make_request(S.ROUTED, parts={SDS: P.UPDATES_REQUESTED, DST: P.IN_REVIEW})
    deliver(flush=True)
    move(
        request, applicant, P.IN_REVIEW, part=request.parts.get(custodian__key=SDS), note="Koderne er DC50*."
    )
    mails = deliver()
    assert set(mails) == {custodians[SDS].email, broker.email}  # not the other custodians
    assert_mail(mails[custodians[SDS].email], request, state="Under behandling", note="Koderne er DC50*.")


def test_it_the_broker_hears_the_applicants_answer_when_the_custodian_has_no_users(
    make_request, applicant, broker, custodians, deliver
):
    request = make_request(S.ROUTED, parts={SDS: P.UPDATES_REQUESTED})
    custodians[SDS].is_active = False
    custodians[SDS].save()
    deliver(flush=True)
    move(request, applicant, P.IN_REVIEW, part=request.parts.get(custodian__key=SDS), note="Svar")
    assert set(deliver()) == {broker.email}


def test_it_the_broker_hears_when_every_custodian_has_decided(
    make_request, applicant, broker, custodians, deliver
):
    request = make_request(S.ROUTED, parts={SDS: P.APPROVED, DST: P.REJECTED, RKKP: P.IN_REVIEW})
    deliver(flush=True)
    move(
        request,
        custodians[RKKP],
        P.APPROVED_WITH_CONDITIONS,
        part=request.parts.get(custodian__key=RKKP),
        note="Kun aggregerede resultater.",
    )
    mails = deliver()
    assert set(mails) == {applicant.email, broker.email}
    for mail in mails.values():
        assert_mail(mail, request, state="Godkendt med vilkår", note="Kun aggregerede resultater.")
        assert "Alle dataansvarlige har nu truffet afgørelse." in mail.body.split(SEPARATOR)[0]


def test_it_a_decision_recorded_by_the_broker_reaches_the_applicant_and_the_custodian(
    make_request, applicant, broker, custodians, deliver
):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW})
    deliver(flush=True)
    move(request, broker, P.REJECTED, part=request.parts.get(custodian__key=SDS), note="Afvist pr. brev")
    mails = deliver()
    assert set(mails) == {applicant.email, custodians[SDS].email}
    assert_mail(mails[applicant.email], request, state="Afvist", note="Afvist pr. brev")


def test_it_a_withdrawal_tells_the_broker_and_the_custodians_deciding_or_preparing_data(
    make_request, applicant, broker, custodians, deliver
):
    request = make_request(S.ROUTED, parts={SDS: P.APPROVED, DST: P.IN_REVIEW})
    deliver(flush=True)
    move(request, applicant, S.WITHDRAWN, note="Projektet er stoppet.")
    mails = deliver()
    assert set(mails) == {broker.email, custodians[SDS].email, custodians[DST].email, custodians[RKKP].email}
    for mail in mails.values():
        assert_mail(mail, request, state="Trukket tilbage", note="Projektet er stoppet.")


@pytest.mark.regression
def test_it_the_links_follow_the_language_of_each_part_not_the_actors(
    make_request, broker, applicant, deliver
):
    """A broker working on the English pages once sent Danish readers /en/ links."""
    from django.utils import translation

    request = make_request(S.SUBMITTED)
    deliver(flush=True)
    translation.activate("en")
    move(request, broker, S.SCREENING)
    translation.activate("da")
    danish, english = deliver()[applicant.email].body.split(SEPARATOR)
    assert link(request) in danish and "/en/" not in danish
    assert link(request, "en") in english


def test_it_a_refused_move_sends_nothing(make_request, applicant, broker, deliver):
    request = make_request(S.SUBMITTED)
    deliver(flush=True)
    with pytest.raises(PermissionDeniedError):
        move(request, applicant, S.SCREENING)
    with pytest.raises(ConflictError):
        move(request, broker, S.ACTIVE)
    assert deliver() == {}


@pytest.mark.parametrize(
    "to, by",
    [(S.ACCEPTED, "applicant"), (S.PROVISIONING, "broker"), (S.ACTIVE, "broker"), (S.CLOSED, "broker")],
)
def test_it_the_custodians_who_approved_hear_of_acceptance_provisioning_and_closing(
    make_request, applicant, broker, custodians, deliver, to, by
):
    before = {
        S.ACCEPTED: S.COST_ESTIMATE,
        S.PROVISIONING: S.ACCEPTED,
        S.ACTIVE: S.PROVISIONING,
        S.CLOSED: S.ACTIVE,
    }[to]
    request = make_request(before, datasets=(LPR, BEF), parts={SDS: P.APPROVED, DST: P.REJECTED})
    deliver(flush=True)
    move(request, applicant if by == "applicant" else broker, to)
    mails = deliver()
    assert custodians[SDS].email in mails  # approved: provides the data
    assert custodians[DST].email not in mails  # rejected: nothing more to do
    assert_mail(mails[custodians[SDS].email], request, state=str(S(to).label))
