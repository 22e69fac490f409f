"""The state machines of an access request and of each custodian's part, exhaustively: every
allowed move for the right side (event + audit row), every refused move (409 listing the allowed
moves), every right move by the wrong side (403), the guards of each step, due dates and
overdue flags, withdrawal and amendments."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from videnbro.accounts.models import Role
from videnbro.broker import selectors, services
from videnbro.broker.models import AccessRequest, RequestEvent, RequestPart
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.datamap.models import Dataset

from .factories import BEF, DBCG, DST, LPR, RKKP, SDS, dataset_choices, project_data

S = AccessRequest.Status
P = RequestPart.Status
APPLICANT, BROKER, CUSTODIAN = services.APPLICANT, services.BROKER, services.CUSTODIAN

REQUEST_MOVES = [
    (frm, to, side) for frm, moves in services.REQUEST_FLOW.items() for to, side in moves.items()
]
REFUSED_REQUEST_MOVES = [
    (frm, to) for frm in S.values for to in S.values if to not in services.REQUEST_FLOW[frm]
]
PART_MOVES = [(frm, to, side) for frm, moves in services.PART_FLOW.items() for to, side in moves.items()]
REFUSED_PART_MOVES = [(frm, to) for frm in P.values for to in P.values if to not in services.PART_FLOW[frm]]
# Everyone but the side the table names: the other sides, a custodian of another part and an
# applicant of another request (who cannot even see it). The broker may record a custodian's
# decision on its behalf, so it is not a wrong side for custodian moves.
WRONG_REQUEST_SIDES = [
    (frm, to, side, wrong)
    for frm, to, side in REQUEST_MOVES
    for wrong in ("applicant", "broker", "custodian", "stranger")
    if wrong != side
]
WRONG_PART_SIDES = [
    (frm, to, side, wrong)
    for frm, to, side in PART_MOVES
    for wrong in ("applicant", "other_custodian", "broker", "stranger")
    if wrong != side and not (wrong == "broker" and side == CUSTODIAN)
]


def _ids(*values) -> str:
    return "-".join(str(v) for v in values)


def test_it_the_tables_are_the_state_machine_of_the_issue():
    """The exhaustive tests below follow the tables; this pins the tables themselves, so a
    changed move is a deliberate change of this test too."""
    assert services.REQUEST_FLOW == {
        "draft": {"submitted": APPLICANT, "withdrawn": APPLICANT},
        "submitted": {"screening": BROKER, "withdrawn": APPLICANT},
        "screening": {"returned": BROKER, "routed": BROKER, "withdrawn": APPLICANT},
        "returned": {"submitted": APPLICANT, "withdrawn": APPLICANT},
        "routed": {"cost_estimate": BROKER, "closed": BROKER, "withdrawn": APPLICANT},
        "cost_estimate": {"accepted": APPLICANT, "withdrawn": APPLICANT},
        "accepted": {"provisioning": BROKER, "withdrawn": APPLICANT},
        "provisioning": {"active": BROKER},
        "active": {"closed": BROKER},
        "closed": {},
        "withdrawn": {},
    }
    decide = {
        "updates_requested": CUSTODIAN,
        "approved": CUSTODIAN,
        "approved_with_conditions": CUSTODIAN,
        "rejected": CUSTODIAN,
    }
    assert services.PART_FLOW == {
        "pending": {"in_review": CUSTODIAN},
        "in_review": decide,
        "updates_requested": {"in_review": APPLICANT},
        "approved": {},
        "approved_with_conditions": {},
        "rejected": {},
    }


def test_it_the_tables_cover_every_state():
    assert set(services.REQUEST_FLOW) == set(S.values)
    assert set(services.PART_FLOW) == set(P.values)
    assert all(set(moves) <= set(S.values) for moves in services.REQUEST_FLOW.values())
    assert all(set(moves) <= set(P.values) for moves in services.PART_FLOW.values())


def at_state(make_request, frm: str, to: str) -> AccessRequest:
    """A request in `frm` meeting the guard of the move to `to` (routed → cost estimate needs
    an approval, routed → closed needs every part rejected)."""
    parts = {S.COST_ESTIMATE: P.APPROVED, S.CLOSED: P.REJECTED}.get(to) if frm == S.ROUTED else None
    return make_request(frm, parts=parts)


def last_event(request: AccessRequest) -> RequestEvent:
    return RequestEvent.objects.filter(request=request).order_by("-id").first()


def last_audit(request: AccessRequest, action: str) -> AuditLog:
    return AuditLog.objects.filter(action=action, object_id=str(request.pk)).order_by("-id").first()


def sds_part(request: AccessRequest) -> RequestPart:
    return request.parts.get(custodian__key=SDS)


# ---------------------------------------------------------------------------------------------
# The request's own flow


@pytest.mark.parametrize(("frm", "to", "side"), REQUEST_MOVES, ids=[_ids(*m) for m in REQUEST_MOVES])
def test_it_makes_every_allowed_request_move_for_the_right_side(
    make_request, applicant, broker, frm, to, side
):
    request = at_state(make_request, frm, to)
    actor = applicant if side == APPLICANT else broker
    events = request.events.count()
    note = f"Besked ved {to}"

    moved = services.request_transition(
        actor=actor,
        access_request=request,
        to=to,
        note=note,
        cost_estimate="4200" if to == S.COST_ESTIMATE else None,
    )

    request.refresh_from_db()
    assert moved.status == request.status == to
    assert request.events.count() == events + 1
    event = last_event(request)
    assert (event.actor, event.actor_role, event.from_status, event.to_status, event.note, event.part) == (
        actor,
        side,
        frm,
        to,
        note,
        None,
    )
    log = last_audit(request, "broker.request.status")
    assert log.actor == actor
    assert (log.data["from"], log.data["to"], log.data["note"]) == (frm, to, note)


@pytest.mark.parametrize(("frm", "to"), REFUSED_REQUEST_MOVES, ids=[_ids(*m) for m in REFUSED_REQUEST_MOVES])
def test_it_refuses_every_request_move_the_table_does_not_allow(make_request, applicant, broker, frm, to):
    request = make_request(frm)
    events = request.events.count()
    # A draft (and one withdrawn before it was sent) is the applicant's own: only they see it.
    actor = broker if request.submitted_at else applicant

    with pytest.raises(ConflictError) as raised:
        services.request_transition(
            actor=actor, access_request=request, to=to, note="Forsøg", cost_estimate="100"
        )

    assert raised.value.status_code == 409
    # Routed with every part still pending: only withdrawal is open.
    expected = [S.WITHDRAWN] if frm == S.ROUTED else sorted(services.REQUEST_FLOW[frm])
    assert raised.value.extra["allowed"]["request"] == expected
    assert raised.value.errors["to"]
    request.refresh_from_db()
    assert request.status == frm
    assert request.events.count() == events


@pytest.mark.parametrize(
    ("frm", "to", "side", "wrong"), WRONG_REQUEST_SIDES, ids=[_ids(*m) for m in WRONG_REQUEST_SIDES]
)
def test_it_refuses_a_request_move_to_the_wrong_side(
    make_request, applicant, broker, custodians, other_applicant, frm, to, side, wrong
):
    request = at_state(make_request, frm, to)
    actor = {
        "applicant": applicant,
        "broker": broker,
        "custodian": custodians[SDS],
        "stranger": other_applicant,
    }[wrong]
    events = request.events.count()

    with pytest.raises(PermissionDeniedError) as raised:
        services.request_transition(
            actor=actor, access_request=request, to=to, note="Forsøg", cost_estimate="100"
        )

    assert raised.value.status_code == 403
    request.refresh_from_db()
    assert request.status == frm
    assert request.events.count() == events


def test_it_refuses_the_applicant_screening_their_own_request(make_request, applicant):
    request = make_request(S.SUBMITTED)
    with pytest.raises(PermissionDeniedError):
        services.request_transition(actor=applicant, access_request=request, to=S.SCREENING)


def test_it_refuses_the_broker_accepting_the_cost_estimate(make_request, broker):
    request = make_request(S.COST_ESTIMATE)
    with pytest.raises(PermissionDeniedError):
        services.request_transition(actor=broker, access_request=request, to=S.ACCEPTED)
    assert AccessRequest.objects.get(pk=request.pk).status == S.COST_ESTIMATE


def test_it_the_broker_cannot_act_on_a_request_they_applied_for(make_request, make_user, custodians):
    own_broker = make_user(Role.DATA_BROKER, email="selv@example.org")
    colleague = make_user(Role.DATA_BROKER, email="kollega@example.org")
    request = make_request(S.SUBMITTED, by=own_broker)

    with pytest.raises(PermissionDeniedError):
        services.request_transition(actor=own_broker, access_request=request, to=S.SCREENING)
    assert selectors.moves_for(own_broker, request)["request"] == [S.WITHDRAWN]

    request = services.request_transition(actor=colleague, access_request=request, to=S.SCREENING)
    request = services.request_transition(actor=colleague, access_request=request, to=S.ROUTED)
    part = sds_part(request)
    with pytest.raises(PermissionDeniedError):  # nor on behalf of a custodian
        services.request_transition(actor=own_broker, access_request=request, to=P.IN_REVIEW, part=part)
    assert selectors.moves_for(own_broker, request)["parts"][part.pk] == []
    services.request_transition(actor=colleague, access_request=request, to=P.IN_REVIEW, part=part)
    assert sds_part(request).status == P.IN_REVIEW


# ---------------------------------------------------------------------------------------------
# The parts' flow


@pytest.mark.parametrize(("frm", "to", "side"), PART_MOVES, ids=[_ids(*m) for m in PART_MOVES])
def test_it_makes_every_allowed_part_move_for_the_right_side(
    make_request, applicant, custodians, frm, to, side
):
    request = make_request(S.ROUTED, parts={SDS: frm})
    part = sds_part(request)
    actor = applicant if side == APPLICANT else custodians[SDS]
    note = f"Besked ved {to}"

    services.request_transition(actor=actor, access_request=request, to=to, note=note, part=part)

    part.refresh_from_db()
    assert part.status == to
    assert AccessRequest.objects.get(pk=request.pk).status == S.ROUTED
    event = last_event(request)
    assert (event.part, event.actor, event.actor_role, event.from_status, event.to_status, event.note) == (
        part,
        actor,
        side,
        frm,
        to,
        note,
    )
    log = last_audit(request, "broker.part.status")
    assert log.actor == actor
    assert (log.data["part"], log.data["from"], log.data["to"], log.data["note"]) == (SDS, frm, to, note)
    assert (part.decided_at is not None) == (to in services.DECIDED)
    if to == P.APPROVED_WITH_CONDITIONS:
        assert part.conditions == note
    # The other custodians' parts are untouched.
    assert set(request.parts.exclude(pk=part.pk).values_list("status", flat=True)) == {P.PENDING}


@pytest.mark.parametrize(("frm", "to"), REFUSED_PART_MOVES, ids=[_ids(*m) for m in REFUSED_PART_MOVES])
def test_it_refuses_every_part_move_the_table_does_not_allow(make_request, custodians, frm, to):
    request = make_request(S.ROUTED, parts={SDS: frm})
    part = sds_part(request)
    events = request.events.count()

    with pytest.raises(ConflictError) as raised:
        services.request_transition(
            actor=custodians[SDS], access_request=request, to=to, note="Forsøg", part=part
        )

    assert raised.value.status_code == 409
    assert raised.value.extra["allowed"]["parts"][part.pk] == sorted(services.PART_FLOW[frm])
    part.refresh_from_db()
    assert part.status == frm
    assert request.events.count() == events


@pytest.mark.parametrize(
    ("frm", "to", "side", "wrong"), WRONG_PART_SIDES, ids=[_ids(*m) for m in WRONG_PART_SIDES]
)
def test_it_refuses_a_part_move_to_the_wrong_side(
    make_request, applicant, broker, custodians, other_applicant, frm, to, side, wrong
):
    request = make_request(S.ROUTED, parts={SDS: frm})
    part = sds_part(request)
    actor = {
        "applicant": applicant,
        "other_custodian": custodians[DST],
        "broker": broker,
        "stranger": other_applicant,
    }[wrong]

    with pytest.raises(PermissionDeniedError) as raised:
        services.request_transition(actor=actor, access_request=request, to=to, note="Forsøg", part=part)

    assert raised.value.status_code == 403
    part.refresh_from_db()
    assert part.status == frm


def test_it_custodian_a_cannot_act_on_custodian_bs_part(make_request, custodians):
    request = make_request(S.ROUTED)
    dst_part = request.parts.get(custodian__key=DST)
    with pytest.raises(PermissionDeniedError):
        services.request_transition(
            actor=custodians[SDS], access_request=request, to=P.IN_REVIEW, part=dst_part
        )
    # Leaving out the part picks the custodian's own.
    services.request_transition(actor=custodians[SDS], access_request=request, to=P.IN_REVIEW)
    assert dict(request.parts.values_list("custodian__key", "status")) == {
        SDS: P.IN_REVIEW,
        DST: P.PENDING,
        RKKP: P.PENDING,
    }


def test_it_the_broker_records_a_custodians_decision_marked_as_such(make_request, broker):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW})
    part = sds_part(request)
    services.request_transition(
        actor=broker, access_request=request, to=P.APPROVED, part=part, note="Godkendt pr. e-mail 3. marts."
    )
    part.refresh_from_db()
    assert part.status == P.APPROVED
    event = last_event(request)
    assert event.actor == broker and event.actor_role == "broker_for_custodian"
    assert last_audit(request, "broker.part.status").data["as"] == "broker_for_custodian"


def test_it_the_broker_must_name_the_part(make_request, broker):
    request = make_request(S.ROUTED)
    with pytest.raises(ValidationError) as raised:
        services.request_transition(actor=broker, access_request=request, to=P.IN_REVIEW)
    assert "part" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.request_transition(actor=broker, access_request=request, to=P.IN_REVIEW, part=999999)
    assert "part" in raised.value.message_dict


def test_it_refuses_an_unknown_state(make_request, broker):
    request = make_request(S.SUBMITTED)
    with pytest.raises(ValidationError) as raised:
        services.request_transition(actor=broker, access_request=request, to="approved_by_magic")
    assert "to" in raised.value.message_dict


# ---------------------------------------------------------------------------------------------
# Guards


def test_it_refuses_to_submit_an_incomplete_request(seeded, applicant):
    request = services.request_save(actor=applicant, data={"project_title": "Kun en titel"})
    with pytest.raises(ValidationError) as raised:
        services.request_transition(actor=applicant, access_request=request, to=S.SUBMITTED)
    assert set(raised.value.message_dict) == {"purpose", "legal_basis", "datasets"}
    request.refresh_from_db()
    assert request.status == S.DRAFT and request.submitted_at is None
    assert not request.events.exists()


def test_it_refuses_to_submit_without_variables_for_a_dataset_that_lists_them(seeded, applicant):
    request = services.request_save(
        actor=applicant, data=project_data(), datasets=[{"dataset": LPR}, *dataset_choices(BEF)]
    )
    with pytest.raises(ValidationError) as raised:
        services.request_transition(actor=applicant, access_request=request, to=S.SUBMITTED)
    assert set(raised.value.message_dict) == {"datasets"}
    message = " ".join(raised.value.message_dict["datasets"])
    assert Dataset.objects.get(key=LPR).title in message
    assert Dataset.objects.get(key=BEF).title not in message


def test_it_submits_a_dataset_without_listed_variables_without_variables(seeded, applicant, org):
    Dataset.objects.create(key="test-uden-variable", title="Register uden variabelliste", custodian=org(SDS))
    request = services.request_save(
        actor=applicant, data=project_data(), datasets=[{"dataset": "test-uden-variable"}]
    )
    request = services.request_transition(actor=applicant, access_request=request, to=S.SUBMITTED)
    assert request.status == S.SUBMITTED and request.submitted_at is not None


def test_it_needs_every_part_decided_before_the_cost_estimate(make_request, broker):
    request = make_request(S.ROUTED, parts={SDS: P.APPROVED, DST: P.IN_REVIEW})
    with pytest.raises(ConflictError) as raised:
        services.request_transition(
            actor=broker, access_request=request, to=S.COST_ESTIMATE, cost_estimate="1000"
        )
    assert "Danmarks Statistik" in raised.value.message
    assert "Regionernes Kliniske Kvalitetsudviklingsprogram" in raised.value.message
    assert "Sundhedsdatastyrelsen" not in raised.value.message
    assert raised.value.extra["allowed"]["request"] == [S.WITHDRAWN]


def test_it_needs_one_approval_for_the_cost_estimate(make_request, broker):
    request = make_request(S.ROUTED, parts=P.REJECTED)
    with pytest.raises(ConflictError) as raised:
        services.request_transition(
            actor=broker, access_request=request, to=S.COST_ESTIMATE, cost_estimate="1000"
        )
    assert raised.value.extra["allowed"]["request"] == [S.CLOSED, S.WITHDRAWN]


@pytest.mark.parametrize("amount", [None, "", "gratis", "-1", "NaN", "Infinity", "1e12"])
def test_it_needs_a_valid_amount_for_the_cost_estimate(make_request, broker, amount):
    request = make_request(S.ROUTED, parts=P.APPROVED)
    with pytest.raises(ValidationError) as raised:
        services.request_transition(
            actor=broker, access_request=request, to=S.COST_ESTIMATE, cost_estimate=amount
        )
    assert set(raised.value.message_dict) == {"cost_estimate"}
    assert AccessRequest.objects.get(pk=request.pk).status == S.ROUTED


def test_it_stores_the_cost_estimate_with_its_note(make_request, broker):
    request = make_request(
        S.ROUTED, parts={SDS: P.APPROVED, DST: P.APPROVED_WITH_CONDITIONS, RKKP: P.REJECTED}
    )
    services.request_transition(
        actor=broker, access_request=request, to=S.COST_ESTIMATE, cost_estimate="12 500,50", note="Tre udtræk"
    )
    request.refresh_from_db()
    assert request.status == S.COST_ESTIMATE
    assert request.cost_estimate == Decimal("12500.50")
    assert request.cost_note == "Tre udtræk"
    assert request.approved_at is not None


@pytest.mark.regression
@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12.500", "12500.00"),
        ("12.500,50", "12500.50"),
        ("1.234.567,89", "1234567.89"),
        ("12\xa0500,00", "12500.00"),
        ("12,5", "12.50"),
        ("12.5", "12.50"),
        ("12.50", "12.50"),
        ("0", "0.00"),
        (Decimal("9999.5"), "9999.50"),
    ],
)
def test_it_reads_a_cost_estimate_typed_the_danish_way(make_request, broker, typed, amount):
    """ "12.500" typed on the Danish page was stored as 12,50 kr."""
    request = make_request(S.ROUTED, parts=P.APPROVED)
    request = services.request_transition(
        actor=broker, access_request=request, to=S.COST_ESTIMATE, cost_estimate=typed
    )
    assert request.cost_estimate == Decimal(amount)


@pytest.mark.parametrize(
    "parts",
    [P.PENDING, {SDS: P.APPROVED, DST: P.REJECTED, RKKP: P.REJECTED}],
    ids=["undecided", "one-approved"],
)
def test_it_closes_a_routed_request_only_when_every_part_is_rejected(make_request, broker, parts):
    request = make_request(S.ROUTED, parts=parts)
    with pytest.raises(ConflictError):
        services.request_transition(actor=broker, access_request=request, to=S.CLOSED, note="Slut")
    assert AccessRequest.objects.get(pk=request.pk).status == S.ROUTED


def test_it_closes_a_routed_request_when_every_part_is_rejected(make_request, broker):
    request = make_request(S.ROUTED, parts=P.REJECTED)
    request = services.request_transition(actor=broker, access_request=request, to=S.CLOSED)
    assert request.status == S.CLOSED and request.closed_at is not None
    assert request.approved_at is None


@pytest.mark.parametrize("to", sorted(services.NOTE_REQUIRED))
@pytest.mark.parametrize("note", ["", "   "], ids=["empty", "blank"])
def test_it_requires_a_note(make_request, broker, custodians, to, note):
    if to == S.RETURNED:
        request = make_request(S.SCREENING)
        kwargs = {"actor": broker}
    else:
        request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW})
        kwargs = {"actor": custodians[SDS], "part": sds_part(request)}
    events = request.events.count()
    with pytest.raises(ValidationError) as raised:
        services.request_transition(access_request=request, to=to, note=note, **kwargs)
    assert set(raised.value.message_dict) == {"note"}
    assert request.events.count() == events
    if to != S.RETURNED:
        assert sds_part(request).status == P.IN_REVIEW


def test_it_refuses_part_moves_once_the_request_has_left_routing(make_request, applicant, custodians):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW, DST: P.UPDATES_REQUESTED})
    request = services.request_transition(actor=applicant, access_request=request, to=S.WITHDRAWN)
    for actor, key, to in (
        (custodians[SDS], SDS, P.APPROVED),
        (applicant, DST, P.IN_REVIEW),
        (custodians[RKKP], RKKP, P.IN_REVIEW),
    ):
        part = request.parts.get(custodian__key=key)
        with pytest.raises(ConflictError) as raised:
            services.request_transition(
                actor=actor, access_request=request, to=to, part=part, note="For sent"
            )
        assert "behandling" in raised.value.message
        assert all(moves == [] for moves in raised.value.extra["allowed"]["parts"].values())
    assert dict(request.parts.values_list("custodian__key", "status")) == {
        SDS: P.IN_REVIEW,
        DST: P.UPDATES_REQUESTED,
        RKKP: P.PENDING,
    }


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.SCREENING, S.RETURNED])
def test_it_a_request_has_no_parts_before_routing(make_request, custodians, state):
    request = make_request(state)
    assert not request.parts.exists()
    with pytest.raises(PermissionDeniedError):  # the custodian cannot even see it yet
        services.request_transition(actor=custodians[SDS], access_request=request, to=P.IN_REVIEW)


@pytest.mark.parametrize("state", [S.COST_ESTIMATE, S.ACCEPTED, S.PROVISIONING, S.ACTIVE, S.CLOSED])
def test_it_no_part_moves_are_offered_outside_routing(make_request, state):
    request = make_request(state)
    moves = selectors.allowed_moves(request)
    assert len(moves["parts"]) == 3
    assert all(m == [] for m in moves["parts"].values())


@pytest.mark.parametrize(
    "state", [S.DRAFT, S.SUBMITTED, S.SCREENING, S.RETURNED, S.ROUTED, S.COST_ESTIMATE, S.ACCEPTED]
)
def test_it_the_applicant_withdraws_at_every_state_before_provisioning(make_request, applicant, state):
    request = make_request(state)
    request = services.request_transition(
        actor=applicant, access_request=request, to=S.WITHDRAWN, note="Finansieringen faldt bort."
    )
    assert request.status == S.WITHDRAWN
    assert request.closed_at is not None and request.due_at is None
    assert selectors.allowed_moves(request)["request"] == []


@pytest.mark.parametrize("state", [S.PROVISIONING, S.ACTIVE, S.CLOSED, S.WITHDRAWN])
def test_it_the_applicant_cannot_withdraw_once_provisioning_started(make_request, applicant, state):
    request = make_request(state)
    with pytest.raises(ConflictError):
        services.request_transition(actor=applicant, access_request=request, to=S.WITHDRAWN)
    assert AccessRequest.objects.get(pk=request.pk).status == state


# ---------------------------------------------------------------------------------------------
# Due dates and overdue


def _days(step: str) -> timedelta:
    return timedelta(days=settings.BROKER_DUE_DAYS[step])


def assert_due_in(due_at, step: str) -> None:
    """Due `step`'s number of days from now (the request was moved within the last minutes)."""
    expected = timezone.now() + _days(step)
    assert due_at is not None
    assert expected - timedelta(minutes=5) <= due_at <= expected


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (S.SUBMITTED, "screening_start"),
        (S.SCREENING, "screening"),
        (S.RETURNED, "applicant"),
        (S.COST_ESTIMATE, "applicant"),
        (S.ACCEPTED, "provisioning_start"),
        (S.PROVISIONING, "provisioning"),
    ],
)
def test_it_each_step_of_the_request_gets_its_due_date(make_request, state, step):
    assert_due_in(make_request(state).due_at, step)


@pytest.mark.parametrize("state", [S.DRAFT, S.CLOSED, S.WITHDRAWN])
def test_it_a_request_nobody_has_to_act_on_has_no_due_date(make_request, state):
    assert make_request(state).due_at is None


def test_it_an_active_request_is_due_at_the_end_of_its_period(make_request):
    request = make_request(S.ACTIVE, period_to="2031-06-30")
    assert request.due_at == timezone.make_aware(datetime.combine(request.period_to, time.max))


def test_it_each_part_gets_its_due_date_and_the_request_waits_for_the_last_decision(make_request, custodians):
    request = make_request(S.ROUTED)
    assert request.due_at is None  # the custodians have the ball
    for part in request.parts.all():
        assert_due_in(part.due_at, "custodian_start")

    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW, DST: P.UPDATES_REQUESTED, RKKP: P.APPROVED})
    due = dict(request.parts.values_list("custodian__key", "due_at"))
    assert_due_in(due[SDS], "custodian_review")
    assert_due_in(due[DST], "applicant")
    assert due[RKKP] is None
    assert request.due_at is None

    request = make_request(S.ROUTED, parts=P.APPROVED)
    assert_due_in(request.due_at, "cost_estimate")  # the broker's turn


def test_it_flags_an_overdue_request(make_request):
    late, on_time = make_request(S.SUBMITTED), make_request(S.SUBMITTED)
    AccessRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    late.refresh_from_db()
    assert late.is_overdue and not on_time.is_overdue
    overdue = set(AccessRequest.objects.filter(selectors.overdue_q()).values_list("pk", flat=True))
    assert late.pk in overdue and on_time.pk not in overdue
    assert (
        set(
            selectors.filter_requests(AccessRequest.objects.all(), {"overdue": "1"}).values_list(
                "pk", flat=True
            )
        )
        == overdue
    )


def test_it_flags_a_request_whose_part_is_overdue(make_request):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW, DST: P.APPROVED})
    assert not AccessRequest.objects.filter(selectors.overdue_q(), pk=request.pk).exists()
    past = timezone.now() - timedelta(days=1)
    RequestPart.objects.filter(request=request, custodian__key=DST).update(due_at=past)
    assert not AccessRequest.objects.filter(selectors.overdue_q(), pk=request.pk).exists(), (
        "a decided part is never late"
    )
    RequestPart.objects.filter(request=request, custodian__key=SDS).update(due_at=past)
    assert sds_part(request).is_overdue
    assert AccessRequest.objects.filter(selectors.overdue_q(), pk=request.pk).exists()


def test_it_a_closed_request_is_never_overdue(make_request):
    request = make_request(S.CLOSED)
    AccessRequest.objects.filter(pk=request.pk).update(due_at=timezone.now() - timedelta(days=1))
    assert not AccessRequest.objects.filter(selectors.overdue_q(), pk=request.pk).exists()


@pytest.mark.regression
def test_it_the_open_parts_of_a_withdrawn_request_are_never_overdue(make_request, applicant, monkeypatch):
    """Withdrawing left the custodians' open parts with their due dates: a year later the
    withdrawn request showed overdue parts nobody had to act on."""
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW, DST: P.UPDATES_REQUESTED, RKKP: P.APPROVED})
    services.request_transition(actor=applicant, access_request=request, to=S.WITHDRAWN)
    assert set(request.parts.values_list("due_at", flat=True)) == {None}
    later = timezone.now() + timedelta(days=365)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not any(part.is_overdue for part in request.parts.all())
    assert not AccessRequest.objects.filter(selectors.overdue_q(), pk=request.pk).exists()


# ---------------------------------------------------------------------------------------------
# Amendments


def test_it_an_amendment_goes_through_its_own_flow_while_the_parent_stays_active(
    make_request, applicant, broker, custodians
):
    parent = make_request(S.ACTIVE)
    parent_period, parent_events = parent.period_to, parent.events.count()
    amendment = services.request_save(
        actor=applicant,
        parent=parent,
        data={"period_to": "2035-12-31"},
        datasets=[{"dataset": LPR, "variables": ["C_ADIAG", "D_INDDTO", "C_DIAG"]}],
    )

    assert amendment.pk != parent.pk and amendment.reference != parent.reference
    assert amendment.kind == AccessRequest.Kind.AMENDMENT and amendment.parent == parent
    assert amendment.status == S.DRAFT and amendment.applicant == applicant
    assert amendment.project_title == parent.project_title
    assert amendment.purpose == parent.purpose
    assert amendment.cost_estimate is None and amendment.approved_at is None
    assert list(parent.amendments.all()) == [amendment]

    def step(to, actor, **kwargs):
        nonlocal amendment
        amendment = services.request_transition(actor=actor, access_request=amendment, to=to, **kwargs)
        assert amendment.status == to
        parent.refresh_from_db()
        assert parent.status == S.ACTIVE
        if to != S.ACTIVE:
            assert parent.period_to == parent_period

    step(S.SUBMITTED, applicant)
    step(S.SCREENING, broker)
    step(S.ROUTED, broker)
    assert [p.custodian.key for p in amendment.parts.all()] == [SDS]
    part = amendment.parts.get()
    services.request_transition(actor=custodians[SDS], access_request=amendment, to=P.IN_REVIEW, part=part)
    services.request_transition(actor=custodians[SDS], access_request=amendment, to=P.APPROVED, part=part)
    step(S.COST_ESTIMATE, broker, cost_estimate="0")
    step(S.ACCEPTED, applicant)
    step(S.PROVISIONING, broker)
    assert parent.events.count() == parent_events  # the parent's trail is untouched
    step(S.ACTIVE, broker)
    assert amendment.period_to.isoformat() == "2035-12-31"
    # The active amendment extends the main request's period and due date; nothing else.
    assert parent.period_to.isoformat() == "2035-12-31"
    assert timezone.localtime(parent.due_at).date().isoformat() == "2035-12-31"
    (extended,) = parent.events.all()[parent_events:]
    assert (extended.from_status, extended.to_status) == (S.ACTIVE, S.ACTIVE)
    assert amendment.reference in extended.note


def test_it_an_amendment_of_a_main_request_that_ended_can_only_be_withdrawn_or_closed(
    make_request, applicant, broker
):
    parent = make_request(S.ACTIVE)
    amendment = services.request_save(
        actor=applicant, parent=parent, data={}, datasets=[{"dataset": LPR, "variables": ["C_ADIAG"]}]
    )
    amendment = services.request_transition(actor=applicant, access_request=amendment, to=S.SUBMITTED)
    services.request_transition(actor=broker, access_request=parent, to=S.CLOSED)
    with pytest.raises(ConflictError) as raised:
        services.request_transition(actor=broker, access_request=amendment, to=S.SCREENING)
    assert raised.value.extra["allowed"]["request"] == [S.WITHDRAWN]
    assert parent.reference in raised.value.message
    amendment = services.request_transition(actor=applicant, access_request=amendment, to=S.WITHDRAWN)
    assert amendment.status == S.WITHDRAWN


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.ROUTED, S.COST_ESTIMATE, S.CLOSED, S.WITHDRAWN])
def test_it_refuses_an_amendment_of_a_request_that_is_not_approved(make_request, applicant, state):
    parent = make_request(state)
    with pytest.raises(ConflictError):
        services.request_save(actor=applicant, parent=parent, data={}, datasets=dataset_choices(LPR))
    assert not parent.amendments.exists()


@pytest.mark.parametrize("who", ["other_applicant", "broker"])
def test_it_only_the_applicant_may_amend(make_request, request, who):
    parent = make_request(S.ACTIVE)
    with pytest.raises(PermissionDeniedError):
        services.request_save(
            actor=request.getfixturevalue(who), parent=parent, data={}, datasets=dataset_choices(LPR)
        )
    assert not parent.amendments.exists()


def test_it_an_amendment_cannot_be_amended(make_request, applicant, broker):
    parent = make_request(S.ACTIVE)
    amendment = services.request_save(actor=applicant, parent=parent, data={}, datasets=dataset_choices(DBCG))
    for to, actor in ((S.SUBMITTED, applicant), (S.SCREENING, broker), (S.ROUTED, broker)):
        amendment = services.request_transition(actor=actor, access_request=amendment, to=to)
    part = amendment.parts.get()
    for to in (P.IN_REVIEW, P.APPROVED):
        services.request_transition(actor=broker, access_request=amendment, to=to, part=part)
    for to, actor, kwargs in ((S.COST_ESTIMATE, broker, {"cost_estimate": 0}), (S.ACCEPTED, applicant, {})):
        amendment = services.request_transition(actor=actor, access_request=amendment, to=to, **kwargs)
    with pytest.raises(ConflictError):
        services.request_save(actor=applicant, parent=amendment, data={})
