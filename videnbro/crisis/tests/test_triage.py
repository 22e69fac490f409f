"""Triage of offers: the state machine tested exhaustively, the note a refusal needs, the trail
(OfferEvent and audit rows with the actor), "ask for information" by e-mail, the offerer's own
updates and withdrawal, bulk actions and claiming an unrouted offer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import ValidationError

from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.crisis import services, workflows
from videnbro.crisis.models import Offer, OfferEvent
from videnbro.crisis.signing import offer_status_path, offer_token

# The triage table of issue 6: new → in review → accepted | needs information | declined →
# fulfilled; a declined offer can be reopened, an accepted one declined (it fell through);
# fulfilled and withdrawn are final. Withdrawal is the offerer's, never the authority's.
ALLOWED = {
    "new": {"in_review", "declined"},
    "in_review": {"accepted", "needs_information", "declined"},
    "needs_information": {"in_review", "accepted", "declined"},
    "accepted": {"fulfilled", "declined"},
    "declined": {"in_review"},
    "fulfilled": set(),
    "withdrawn": set(),
}
STATUSES = sorted(ALLOWED)


def set_status(offer: Offer, status: str) -> Offer:
    Offer.objects.filter(pk=offer.pk).update(status=status)
    offer.refresh_from_db()
    return offer


def test_it_the_table_covers_every_status():
    assert set(ALLOWED) == set(Offer.Status.values)
    assert workflows.OFFER_TRANSITIONS == ALLOWED


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("to", STATUSES)
def test_it_every_transition_is_allowed_or_refused_as_the_table_says(routed_offer, rh_staff, start, to):
    offer = set_status(routed_offer, start)
    events = OfferEvent.objects.filter(offer=offer).count()
    if to in ALLOWED[start]:
        moved = services.offer_transition(actor=rh_staff, offer=offer, to=to, note="Begrundelse")
        assert moved.status == to
        assert Offer.objects.get(pk=offer.pk).status == to
        assert OfferEvent.objects.filter(offer=offer).count() == events + 1
    else:
        with pytest.raises(ConflictError) as raised:
            services.offer_transition(actor=rh_staff, offer=offer, to=to, note="Begrundelse")
        assert raised.value.status_code == 409
        assert raised.value.extra["allowed"] == sorted(ALLOWED[start])
        assert Offer.objects.get(pk=offer.pk).status == start
        assert OfferEvent.objects.filter(offer=offer).count() == events


def test_it_a_transition_records_who_when_and_why(routed_offer, rh_staff):
    offer = services.offer_transition(
        actor=rh_staff, offer=routed_offer, to="in_review", note="  Vi kigger på det.  "
    )
    event = offer.events.get(kind="transition")
    assert (event.from_status, event.to_status, event.note) == ("new", "in_review", "Vi kigger på det.")
    assert event.actor == rh_staff and event.actor_label == rh_staff.username
    log = AuditLog.objects.get(action="crisis.offer.transition", object_id=str(offer.pk))
    assert log.actor == rh_staff
    assert log.data == {"from": "new", "to": "in_review", "note": "Vi kigger på det."}
    assert offer.first_triaged_at is not None
    first = offer.first_triaged_at
    offer = services.offer_transition(actor=rh_staff, offer=offer, to="accepted")
    assert offer.first_triaged_at == first  # the first triage stays the first


@pytest.mark.parametrize("to", ["declined", "needs_information"])
def test_it_declining_or_asking_needs_a_note(routed_offer, rh_staff, to):
    offer = set_status(routed_offer, "in_review")
    for note in ("", "   "):
        with pytest.raises(ValidationError) as raised:
            services.offer_transition(actor=rh_staff, offer=offer, to=to, note=note)
        assert list(raised.value.message_dict) == ["note"]
    assert Offer.objects.get(pk=offer.pk).status == "in_review"
    assert not offer.events.filter(kind__in=["transition", "request_info"]).exists()


def test_it_accepting_or_declining_tells_the_offerer_by_e_mail(routed_offer, rh_staff, run_tasks):
    offer = services.offer_transition(actor=rh_staff, offer=routed_offer, to="in_review")
    run_tasks()
    assert mail.outbox == []  # in review: nothing to tell yet
    services.offer_transition(
        actor=rh_staff, offer=offer, to="accepted", note="Tak, vi kontakter jer om levering."
    )
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [routed_offer.contact_email]
    assert routed_offer.reference in message.subject
    assert "Tak, vi kontakter jer om levering." in message.body
    assert offer_status_path(offer) in message.body


@pytest.mark.parametrize("who", ["sst", "member", "anonymous"])
def test_it_only_the_authority_it_is_routed_to_triages(routed_offer, sst_staff, member, who):
    actor = {"sst": sst_staff, "member": member, "anonymous": AnonymousUser()}[who]
    with pytest.raises(PermissionDeniedError):
        services.offer_transition(actor=actor, offer=routed_offer, to="in_review")
    assert Offer.objects.get(pk=routed_offer.pk).status == "new"


def test_it_an_admin_triages_any_offer(routed_offer, platform_admin):
    offer = services.offer_transition(actor=platform_admin, offer=routed_offer, to="in_review")
    assert offer.events.get(kind="transition").actor == platform_admin


def test_it_asking_for_information_reaches_the_offerer_with_the_status_link(
    routed_offer, rh_staff, run_tasks, settings
):
    offer = services.offer_request_information(
        actor=rh_staff, offer=routed_offer, message="Er visirerne CE-mærkede?"
    )
    assert offer.status == "needs_information"
    kinds = list(offer.events.order_by("pk").values_list("kind", "to_status"))
    assert kinds[-2:] == [("transition", "in_review"), ("request_info", "needs_information")]
    assert offer.events.get(kind="request_info").note == "Er visirerne CE-mærkede?"
    assert mail.outbox == []  # sent by the worker, after the commit
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [routed_offer.contact_email]
    assert "Er visirerne CE-mærkede?" in message.body
    link = settings.SITE_URL.rstrip("/") + offer_status_path(offer)
    assert link in message.body
    assert AuditLog.objects.filter(
        action="crisis.offer.request_info", object_id=str(offer.pk), actor=rh_staff
    ).exists()


def test_it_asking_for_information_needs_a_question(routed_offer, rh_staff):
    with pytest.raises(ValidationError):
        services.offer_request_information(actor=rh_staff, offer=routed_offer, message=" ")
    assert Offer.objects.get(pk=routed_offer.pk).status == "new"


def test_it_the_offerers_answer_moves_the_offer_back_to_review(routed_offer, rh_staff):
    offer = services.offer_request_information(
        actor=rh_staff, offer=routed_offer, message="Hvor mange pr. dag?"
    )
    offer = services.offer_update_by_offerer(
        offer=offer,
        token=offer_token(offer),
        data={"quantity": "4500"},
        note="Vi kan nu levere 4.500 pr. dag.",
    )
    assert offer.status == "in_review"
    assert offer.quantity == 4500
    event = offer.events.get(kind="offerer_update")
    assert (event.from_status, event.to_status, event.actor) == ("needs_information", "in_review", None)
    assert event.actor_label == "offerer"
    assert "quantity" in event.note and "Vi kan nu levere 4.500 pr. dag." in event.note


def test_it_the_offerer_updates_availability_within_its_rules(routed_offer):
    offer = services.offer_update_by_offerer(
        offer=routed_offer,
        token=offer_token(routed_offer),
        data={"available_from": "2026-12-01", "available_until": "2026-12-31"},
    )
    assert (str(offer.available_from), str(offer.available_until)) == ("2026-12-01", "2026-12-31")
    assert offer.status == "new"  # only an answer to a question moves the status
    with pytest.raises(ValidationError) as raised:
        services.offer_update_by_offerer(
            offer=offer, token=offer_token(offer), data={"available_until": "2026-11-01"}
        )
    assert list(raised.value.message_dict) == ["available_until"]
    with pytest.raises(ValidationError) as raised:
        services.offer_update_by_offerer(offer=offer, token=offer_token(offer), data={"quantity": "-1"})
    assert list(raised.value.message_dict) == ["quantity"]
    with pytest.raises(ValidationError) as raised:
        services.offer_update_by_offerer(offer=offer, token=offer_token(offer), data={}, note="")
    assert list(raised.value.message_dict) == ["note"]


@pytest.mark.parametrize("status", ["withdrawn", "fulfilled", "declined"])
def test_it_a_closed_offer_cannot_be_updated(routed_offer, status):
    offer = set_status(routed_offer, status)
    with pytest.raises(ConflictError):
        services.offer_update_by_offerer(
            offer=offer, token=offer_token(offer), data={"quantity": "1"}, note="x"
        )


@pytest.mark.parametrize("status", STATUSES)
def test_it_the_offerer_withdraws_an_open_offer(routed_offer, status):
    offer = set_status(routed_offer, status)
    if status in {"new", "in_review", "needs_information", "accepted"}:
        offer = services.offer_withdraw(offer=offer, token=offer_token(offer), note="Solgt til anden side")
        assert offer.status == "withdrawn"
        event = offer.events.filter(kind="transition").latest("pk")
        assert (event.from_status, event.to_status, event.note, event.actor_label) == (
            status,
            "withdrawn",
            "Solgt til anden side",
            "offerer",
        )
    else:
        with pytest.raises(ConflictError):
            services.offer_withdraw(offer=offer, token=offer_token(offer))
        assert Offer.objects.get(pk=offer.pk).status == status


def test_it_a_bulk_action_moves_what_it_may_and_reports_the_rest(need, processed, rh_staff):
    movable = [processed(), processed()]
    accepted = set_status(processed(), "accepted")
    unrouted = processed(
        title="Sengepladser", category="hospital_beds", description="Tyve ledige senge på vores klinik."
    )
    assert unrouted.routed_to is None
    result = services.offer_bulk_transition(
        actor=rh_staff, offers=[*movable, accepted, unrouted], to="in_review"
    )
    assert sorted(o.pk for o in result.done) == sorted(o.pk for o in movable)
    assert [o.pk for o, _reason in result.skipped] == [accepted.pk, unrouted.pk]
    assert all(reason for _o, reason in result.skipped)
    assert Offer.objects.get(pk=accepted.pk).status == "accepted"
    assert Offer.objects.get(pk=unrouted.pk).status == "new"
    declined = services.offer_bulk_transition(actor=rh_staff, offers=movable, to="declined")
    assert declined.done == [] and len(declined.skipped) == 2  # a refusal needs a note


def test_it_an_authority_claims_an_unrouted_offer(processed, sst_staff, rh_staff, member, org):
    offer = processed(
        title="Sengepladser", category="hospital_beds", description="Tyve ledige senge på vores klinik."
    )
    assert offer.routed_to is None
    with pytest.raises(PermissionDeniedError):
        services.offer_claim(actor=member, offer=offer)
    with pytest.raises(PermissionDeniedError):  # not routed to them yet: cannot triage
        services.offer_transition(actor=sst_staff, offer=offer, to="in_review")
    claimed = services.offer_claim(actor=sst_staff, offer=offer)
    assert claimed.routed_to == org("sundhedsstyrelsen")
    assert claimed.events.get(kind="routed").actor == sst_staff
    assert services.offer_claim(actor=sst_staff, offer=claimed).routed_to_id == claimed.routed_to_id
    with pytest.raises(ConflictError):
        services.offer_claim(actor=rh_staff, offer=claimed)
    assert services.offer_transition(actor=sst_staff, offer=claimed, to="in_review").status == "in_review"
