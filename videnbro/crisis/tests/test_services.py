"""The crisis services: incidents and needs (permissions, state machines, audit), the offer
intake (validation, idempotency, durable storage with its task) and the background processing
(classification, offerer resolution, duplicates, matching and routing)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.crisis import selectors, services
from videnbro.crisis.models import Incident, Need, Offer, OfferEvent
from videnbro.registry.models import Organisation
from videnbro.registry.services import contact_add

from .factories import need_data, offer_data, valid_cvr

PROCESS_TASK = "videnbro.crisis.services.processing.process_offer"


def queued_processing(offer: Offer) -> list[DBTaskResult]:
    return [
        t for t in DBTaskResult.objects.filter(task_path=PROCESS_TASK) if t.args_kwargs["args"] == [offer.pk]
    ]


# ---------------------------------------------------------------------------------------------
# Incidents


def test_it_declares_an_incident_with_the_actors_authority_responsible(rh_staff, org):
    incident = services.incident_declare(
        actor=rh_staff,
        data={"title": "Oversvømmelse på Amager", "kind": "weather", "regions": ["hovedstaden"]},
    )
    assert incident.status == Incident.Status.DECLARED
    assert list(incident.responsible.all()) == [org("region-hovedstaden")]
    assert [r.slug for r in incident.regions.all()] == ["hovedstaden"]
    assert incident.declared_by == rh_staff and incident.declared_at is not None
    assert incident.starts_on == timezone.localdate()
    log = AuditLog.objects.get(action="crisis.incident.declared", object_id=str(incident.pk))
    assert log.actor == rh_staff


@pytest.mark.parametrize("role", [None, Role.ORGANISATION_MEMBER, Role.CLUSTER_SECRETARIAT])
def test_it_refuses_to_declare_an_incident_for_anyone_but_authorities(make_user, org, role):
    actor = AnonymousUser() if role is None else make_user(role, organisation=org("grundfos"))
    with pytest.raises(PermissionDeniedError):
        services.incident_declare(actor=actor, data={"title": "X", "kind": "other"})
    assert not Incident.objects.filter(title="X").exists()


def test_it_names_the_invalid_fields_of_an_incident(rh_staff):
    with pytest.raises(ValidationError) as raised:
        services.incident_declare(
            actor=rh_staff,
            data={"title": "", "kind": "meteor", "starts_on": "2026-03-10", "ends_on": "2026-03-01"},
        )
    assert set(raised.value.message_dict) == {"title", "kind", "ends_on"}
    with pytest.raises(ValidationError) as raised:
        services.incident_declare(
            actor=rh_staff,
            data={"title": "Storm", "kind": "weather", "starts_on": "2026-03-10", "ends_on": "2026-03-01"},
        )
    assert set(raised.value.message_dict) == {"ends_on"}


def test_it_an_admin_without_organisation_must_name_the_responsible_authorities(platform_admin, org):
    with pytest.raises(ValidationError) as raised:
        services.incident_declare(actor=platform_admin, data={"title": "Storm", "kind": "weather"})
    assert "responsible" in raised.value.message_dict
    incident = services.incident_declare(
        actor=platform_admin, data={"title": "Storm", "kind": "weather", "responsible": ["sundhedsstyrelsen"]}
    )
    assert list(incident.responsible.all()) == [org("sundhedsstyrelsen")]


INCIDENT_ALLOWED = {"declared": {"active", "stood_down"}, "active": {"stood_down"}, "stood_down": set()}


@pytest.mark.parametrize("start", sorted(INCIDENT_ALLOWED))
@pytest.mark.parametrize("to", sorted(INCIDENT_ALLOWED))
def test_it_incident_status_moves_only_declared_active_stood_down(rh_staff, incident, start, to):
    Incident.objects.filter(pk=incident.pk).update(status=start)
    incident.refresh_from_db()
    if to in INCIDENT_ALLOWED[start]:
        moved = services.incident_transition(actor=rh_staff, incident=incident, to=to)
        assert moved.status == to
        assert (moved.stood_down_at is not None) == (to == "stood_down")
        assert AuditLog.objects.filter(
            action="crisis.incident.status", object_id=str(incident.pk), data__to=to
        ).exists()
    else:
        with pytest.raises(ConflictError) as raised:
            services.incident_transition(actor=rh_staff, incident=incident, to=to)
        assert raised.value.extra["allowed"] == sorted(INCIDENT_ALLOWED[start])
        incident.refresh_from_db()
        assert incident.status == start


def test_it_only_a_responsible_authority_changes_an_incidents_status(
    incident, sst_staff, member, platform_admin
):
    for actor in (sst_staff, member, AnonymousUser()):
        with pytest.raises(PermissionDeniedError):
            services.incident_transition(actor=actor, incident=incident, to="stood_down")
    assert (
        services.incident_transition(actor=platform_admin, incident=incident, to="stood_down").status
        == "stood_down"
    )


# ---------------------------------------------------------------------------------------------
# Needs


def test_it_posts_a_need_with_the_focus_area_of_its_item(need, rh_staff, org):
    assert need.owner == org("region-hovedstaden")
    assert (need.focus_area, need.item, need.status) == ("ppe", "visors", "open")
    assert need.region.slug == "hovedstaden"  # from the owner
    assert need.created_by == rh_staff
    assert timedelta(days=6, hours=23) < need.expires_at - need.confirmed_at <= timedelta(days=7)
    assert AuditLog.objects.filter(
        action="crisis.need.created", object_id=str(need.pk), actor=rh_staff
    ).exists()


def test_it_a_need_takes_the_region_of_its_municipality_and_keeps_known_requirements(make_need):
    need = make_need(municipality="751", requirements=["ce_marking", "quantity"])
    assert need.municipality.name == "Aarhus"
    assert need.region.slug == "midtjylland"
    assert need.requirements == ["ce_marking", "quantity"]
    draft = make_need(publish=False)
    assert draft.status == Need.Status.DRAFT


def test_it_names_the_invalid_fields_of_a_need(make_need):
    with pytest.raises(ValidationError) as raised:
        make_need(
            title="",
            item="rockets",
            quantity="-1",
            municipality="999",
            requirements=["telepathy"],
            needed_by="2001-01-01",
        )
    assert set(raised.value.message_dict) >= {"title", "item", "quantity", "municipality", "requirements"}
    with pytest.raises(ValidationError) as raised:
        make_need(needed_by="2001-01-01")
    assert set(raised.value.message_dict) == {"needed_by"}
    with pytest.raises(ValidationError) as raised:
        make_need(item="other")
    assert set(raised.value.message_dict) == {"focus_area"}


def test_it_a_need_cannot_be_posted_under_a_stood_down_incident(make_need, incident, rh_staff):
    services.incident_transition(actor=rh_staff, incident=incident, to="stood_down")
    with pytest.raises(ValidationError) as raised:
        make_need()
    assert set(raised.value.message_dict) == {"incident"}


@pytest.mark.parametrize("role", [None, Role.ORGANISATION_MEMBER, Role.CLUSTER_SECRETARIAT])
def test_it_only_authorities_post_needs(make_user, org, incident, role):
    actor = AnonymousUser() if role is None else make_user(role, organisation=org("grundfos"))
    with pytest.raises(PermissionDeniedError):
        services.need_create(actor=actor, data=need_data(incident))


def test_it_authority_staff_post_needs_only_for_their_own_authority(sst_staff, incident, org):
    with pytest.raises(PermissionDeniedError):
        services.need_create(actor=sst_staff, data=need_data(incident), owner=org("region-hovedstaden"))
    need = services.need_create(actor=sst_staff, data=need_data(incident))
    assert need.owner == org("sundhedsstyrelsen")


def test_it_an_admin_posts_a_need_for_any_authority(platform_admin, incident, org):
    need = services.need_create(actor=platform_admin, data=need_data(incident), owner=org("region-sjaelland"))
    assert need.owner == org("region-sjaelland")


NEED_ALLOWED = {
    "draft": {"open", "closed"},
    "open": {"fulfilled", "closed"},
    "fulfilled": {"open"},
    "closed": {"open"},
}


@pytest.mark.parametrize("start", sorted(NEED_ALLOWED))
@pytest.mark.parametrize("to", sorted(NEED_ALLOWED))
def test_it_need_status_follows_its_table(rh_staff, need, start, to):
    Need.objects.filter(pk=need.pk).update(status=start)
    need.refresh_from_db()
    if to in NEED_ALLOWED[start]:
        assert services.need_transition(actor=rh_staff, need=need, to=to).status == to
    else:
        with pytest.raises(ConflictError) as raised:
            services.need_transition(actor=rh_staff, need=need, to=to)
        assert raised.value.extra["allowed"] == sorted(NEED_ALLOWED[start])


def test_it_another_authority_cannot_change_or_confirm_a_need(need, sst_staff):
    with pytest.raises(PermissionDeniedError):
        services.need_transition(actor=sst_staff, need=need, to="closed")
    with pytest.raises(PermissionDeniedError):
        services.need_confirm(actor=sst_staff, need=need, days=7)


def test_it_confirming_a_need_renews_its_expiry(need, rh_staff):
    Need.objects.filter(pk=need.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    confirmed = services.need_confirm(actor=rh_staff, need=need, days=14)
    assert timedelta(days=13, hours=23) < confirmed.expires_at - timezone.now() <= timedelta(days=14)
    assert confirmed in selectors.open_needs()
    for days in (0, 91):
        with pytest.raises(ValidationError):
            services.need_confirm(actor=rh_staff, need=need, days=days)


def test_it_open_needs_leave_out_expired_closed_and_stood_down_ones(make_need, rh_staff, incident):
    current, expired, closed = make_need(), make_need(), make_need()
    Need.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    services.need_transition(actor=rh_staff, need=closed, to="closed")
    assert set(selectors.open_needs()) == {current}
    services.incident_transition(actor=rh_staff, incident=incident, to="stood_down")
    assert set(selectors.open_needs()) == set()


# ---------------------------------------------------------------------------------------------
# Offer intake


def test_it_stores_an_offer_with_its_event_audit_row_and_processing_task(db):
    result = services.offer_submit(data=offer_data(), channel="api")
    offer = Offer.objects.get(pk=result.offer.pk)  # committed, read back
    assert result.created
    assert offer.status == Offer.Status.NEW and offer.processed_at is None
    assert offer.reference.startswith("TB-") and len(offer.reference) == 12
    assert offer.channel == "api"
    assert offer.quantity == 3000 and offer.per_period == "day"
    (event,) = offer.events.all()
    assert (event.kind, event.to_status, event.actor_label) == ("received", "new", "offerer")
    assert AuditLog.objects.filter(action="crisis.offer.received", object_id=str(offer.pk)).count() == 1
    (task,) = queued_processing(offer)
    assert task.status == "READY"


def test_it_a_rejected_offer_writes_nothing(db):
    before = (Offer.objects.count(), OfferEvent.objects.count(), DBTaskResult.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.offer_submit(data=offer_data(contact_email="ikke-en-adresse", title=""))
    assert set(raised.value.message_dict) == {"contact_email", "title"}
    assert (Offer.objects.count(), OfferEvent.objects.count(), DBTaskResult.objects.count()) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_email": "a@b"}, "contact_email"),
        ({"title": None}, "title"),
        ({"description": ""}, "description"),
        ({"offerer_name": "   "}, "offerer_name"),
        ({"offerer_cvr": "12345678"}, "offerer_cvr"),
        ({"offerer_cvr": "1234"}, "offerer_cvr"),
        ({"available_from": "2026-05-10", "available_until": "2026-05-01"}, "available_until"),
        ({"terms": "price"}, "price"),
        ({"terms": "barter"}, "terms"),
        ({"quantity": "-5"}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"per_period": "fortnight"}, "per_period"),
        ({"category": "astrology"}, "category"),
        ({"municipality": "Atlantis"}, "municipality"),
        ({"description": "x" * 5001}, "description"),
        ({"offerer_type": "person", "offerer_cvr": "17538896"}, "offerer_cvr"),
        ({"need": "999999"}, "need"),
    ],
)
def test_it_names_each_invalid_offer_field(db, overrides, field):
    with pytest.raises(ValidationError) as raised:
        services.offer_submit(data=offer_data(**overrides))
    assert list(raised.value.message_dict) == [field]


def test_it_an_offer_for_a_closed_need_or_a_stood_down_incident_is_refused(need, rh_staff, incident):
    services.need_transition(actor=rh_staff, need=need, to="closed")
    with pytest.raises(ValidationError) as raised:
        services.offer_submit(data=offer_data(need=need.pk))
    assert list(raised.value.message_dict) == ["need"]
    services.need_transition(actor=rh_staff, need=need, to="open")
    services.incident_transition(actor=rh_staff, incident=incident, to="stood_down")
    with pytest.raises(ValidationError):
        services.offer_submit(data=offer_data(need=need.pk))


def test_it_the_needs_requirements_become_required_fields_named_in_the_errors(make_need):
    need = make_need(requirements=["ce_marking", "quantity", "delivery_days"])
    with pytest.raises(ValidationError) as raised:
        services.offer_submit(data=offer_data(need=need.pk, quantity=None, unit=None))
    errors = raised.value.message_dict
    assert set(errors) == {"ce_marking", "quantity", "unit", "delivery_days"}
    assert "CE-mærket" in errors["ce_marking"][0]
    assert "Leveringstid i dage" in errors["delivery_days"][0]
    offer = services.offer_submit(data=offer_data(need=need.pk, ce_marking="true", delivery_days="3")).offer
    assert offer.need == need and offer.incident == need.incident
    assert offer.details == {"ce_marking": True, "delivery_days": 3}


def test_it_the_unit_of_a_quantity_defaults_to_the_needs_unit(make_need):
    need = make_need(unit="æsker")
    offer = services.offer_submit(data=offer_data(need=need.pk, unit=None)).offer
    assert offer.unit == "æsker"


def test_it_keeps_html_and_script_in_free_text_as_text(db):
    text = "<script>alert('x')</script><b>fed</b> & \"citat\""
    offer = services.offer_submit(data=offer_data(description=text, title="<i>Visirer</i>"))
    offer = Offer.objects.get(pk=offer.offer.pk)
    assert offer.description == text
    assert offer.title == "<i>Visirer</i>"


def test_it_an_idempotency_key_returns_the_stored_offer_and_writes_nothing_more(db):
    data = offer_data()
    first = services.offer_submit(data=data, idempotency_key="klient-1-forsoeg")
    written = (
        Offer.objects.count(),
        OfferEvent.objects.count(),
        AuditLog.objects.count(),
        DBTaskResult.objects.count(),
    )
    again = services.offer_submit(data=dict(data), idempotency_key="klient-1-forsoeg")
    assert (first.created, again.created) == (True, False)
    assert again.offer.pk == first.offer.pk
    assert (
        Offer.objects.count(),
        OfferEvent.objects.count(),
        AuditLog.objects.count(),
        DBTaskResult.objects.count(),
    ) == written


def test_it_the_same_key_with_another_body_is_a_conflict(db):
    services.offer_submit(data=offer_data(title="Visirer"), idempotency_key="k-2")
    count = Offer.objects.count()
    with pytest.raises(ConflictError) as raised:
        services.offer_submit(data=offer_data(title="Masker"), idempotency_key="k-2")
    assert raised.value.status_code == 409
    assert "idempotency_key" in raised.value.errors
    assert Offer.objects.count() == count


def test_it_without_a_key_a_repeated_offer_is_stored_twice(db):
    data = offer_data()
    a = services.offer_submit(data=data).offer
    b = services.offer_submit(data=data).offer
    assert a.pk != b.pk and a.reference != b.reference


@pytest.mark.parametrize("key", ["x" * 101, "line\nbreak"])
def test_it_an_unusable_idempotency_key_is_refused(db, key):
    with pytest.raises(ValidationError) as raised:
        services.offer_submit(data=offer_data(), idempotency_key=key)
    assert list(raised.value.message_dict) == ["idempotency_key"]


# ---------------------------------------------------------------------------------------------
# Processing


def test_it_processing_classifies_an_offer_without_category(processed):
    offer = processed(
        description="Vi har 2.000 ansigtsvisirer og 500 visirer på lager.",
        title="Visirer til sundhedspersonale",
    )
    assert offer.category == "ppe"
    assert offer.category_classified is True
    assert 0 < offer.category_confidence <= 1
    assert offer.item == "visors"
    assert offer.processed_at is not None
    event = offer.events.get(kind="processed")
    assert event.actor_label == "system"
    assert AuditLog.objects.filter(action="crisis.offer.processed", object_id=str(offer.pk)).exists()


def test_it_processing_keeps_a_category_given_by_the_offerer(processed):
    offer = processed(
        category="test", title="Laboratoriekapacitet", description="Vores laboratorium kan analysere prøver."
    )
    assert (offer.category, offer.category_classified, offer.category_confidence) == ("test", False, None)


def test_it_processing_resolves_the_offerer_by_cvr_first(processed, org):
    # The alias and the address of a registered contact person: the organisation.
    contact_add(
        actor=SYSTEM, organisation=org("copenhagen-capacity"), name="Indkøb", email="indkoeb@copcap.com"
    )
    offer = processed(offerer_name="CopCap", offerer_cvr="17538896", contact_email="indkoeb@copcap.com")
    assert offer.organisation == org("copenhagen-capacity")
    assert offer.resolution == Offer.Resolution.CVR
    assert offer.claimed_organisation is None and not offer.has_unverified_claim


def test_it_processing_resolves_the_offerer_by_name(processed, org):
    contact_add(
        actor=SYSTEM, organisation=org("statens-serum-institut"), name="Beredskab", email="beredskab@ssi.dk"
    )
    offer = processed(offerer_name="Statens Serum Institut", contact_email="beredskab@ssi.dk")
    assert offer.organisation == org("statens-serum-institut")
    assert offer.resolution == Offer.Resolution.RESOLVER


def test_it_an_unknown_offerer_becomes_one_unverified_organisation(processed):
    before = Organisation.objects.count()
    offer = processed(offerer_name="Visirværkstedet Nordvest IVS")
    assert offer.resolution == Offer.Resolution.CREATED
    organisation = offer.organisation
    assert organisation.name == "Visirværkstedet Nordvest IVS"
    assert organisation.is_verified is False
    assert Organisation.objects.count() == before + 1
    second = processed(
        offerer_name="Visirværkstedet Nordvest IVS", title="Masker", description="Vi syr også stofmasker."
    )
    assert second.organisation == organisation
    assert Organisation.objects.count() == before + 1


def test_it_a_known_name_with_another_cvr_is_never_merged_silently(processed, org):
    cvr = valid_cvr()
    offer = processed(offerer_name="Copenhagen Capacity", offerer_cvr=cvr)
    assert offer.organisation != org("copenhagen-capacity")
    assert offer.resolution == Offer.Resolution.CREATED
    assert offer.organisation.cvr == cvr and offer.organisation.is_verified is False


def test_it_a_private_person_is_not_made_an_organisation(processed):
    before = Organisation.objects.count()
    offer = processed(offerer_type="person", offerer_name="Jens Hansen")
    assert offer.organisation is None and offer.resolution == Offer.Resolution.PERSON
    assert Organisation.objects.count() == before


def test_it_processing_marks_a_near_identical_offer_from_the_same_sender_as_duplicate(submit, run_tasks):
    first = submit(contact_email="indkoeb@plast.example")
    same_address = submit(
        contact_email="Indkoeb@plast.example",
        description="Vi kan producere 3.000 visirer om dagen i klar plast!",
    )
    same_organisation = submit(contact_email="salg@plast.example")
    other_sender = submit(offerer_name="Fynsk Emballage A/S", contact_email="salg@fynsk.example")
    other_text = submit(
        contact_email="indkoeb@plast.example",
        title="Håndsprit",
        description="Vi har 10.000 liter håndsprit klar til levering.",
    )
    run_tasks()
    for offer in (first, same_address, same_organisation, other_sender, other_text):
        offer.refresh_from_db()
    assert first.duplicate_of is None
    assert same_address.duplicate_of == first
    assert same_organisation.organisation == first.organisation
    assert same_organisation.duplicate_of == first
    assert other_sender.duplicate_of is None
    assert other_text.duplicate_of is None
    assert "Mulig dublet af " + first.reference in same_address.events.get(kind="processed").note


def test_it_processing_matches_an_open_need_and_routes_to_its_owner(routed_offer, need, org):
    assert routed_offer.matched_need == need
    assert routed_offer.routed_to == org("region-hovedstaden")
    assert routed_offer.incident == need.incident
    assert routed_offer.match_score >= 0.45
    assert routed_offer.match_reasons
    assert "Region Hovedstaden" in routed_offer.events.get(kind="processed").note


def test_it_an_offer_given_to_a_need_is_routed_to_that_need(make_need, staff_of, incident, processed, org):
    sst_need = services.need_create(
        actor=staff_of("sundhedsstyrelsen"),
        data=need_data(incident, title="Testkapacitet", item="test_capacity", description="PCR-test"),
    )
    make_need()  # a visor need the text would match better
    offer = processed(need=str(sst_need.pk))
    assert (offer.matched_need, offer.match_score) == (sst_need, 1.0)
    assert offer.routed_to == org("sundhedsstyrelsen")


def test_it_an_offer_matching_no_open_need_waits_unrouted(need, processed, rh_staff, incident):
    beds = processed(
        title="Ledige sengepladser",
        category="hospital_beds",
        description="Vores privathospital har 20 senge og plads til patienter.",
    )
    assert beds.matched_need is None and beds.routed_to is None
    assert "fælles indbakke" in beds.events.get(kind="processed").note
    services.incident_transition(actor=rh_staff, incident=incident, to="stood_down")
    visors = processed()
    assert visors.matched_need is None and visors.routed_to is None


def test_it_the_higher_priority_need_wins_a_tie(make_need, processed):
    make_need(priority="low")
    critical = make_need(priority="critical")
    make_need(priority="normal")
    assert processed().matched_need == critical


def test_it_processing_twice_changes_nothing(routed_offer, run_tasks):
    snapshot = Offer.objects.filter(pk=routed_offer.pk).values().get()
    counts = (Organisation.objects.count(), OfferEvent.objects.count(), AuditLog.objects.count())
    assert services.offer_process(routed_offer.pk) == "skipped"
    services.sweep_unprocessed(older_than=timedelta(0))
    run_tasks()
    assert Offer.objects.filter(pk=routed_offer.pk).values().get() == snapshot
    assert (Organisation.objects.count(), OfferEvent.objects.count(), AuditLog.objects.count()) == counts
    assert services.offer_process(10**9) == "skipped"


def test_it_the_sweeper_re_enqueues_an_offer_whose_task_was_lost(submit, run_tasks):
    offer = submit()
    DBTaskResult.objects.filter(task_path=PROCESS_TASK).delete()  # a lost enqueue
    assert services.sweep_unprocessed() == 0  # too young: its task may still be queued
    Offer.objects.filter(pk=offer.pk).update(created=timezone.now() - timedelta(minutes=10))
    assert services.sweep_unprocessed() == 1
    assert run_tasks() == 1
    offer.refresh_from_db()
    assert offer.processed_at is not None
    assert services.sweep_unprocessed() == 0
