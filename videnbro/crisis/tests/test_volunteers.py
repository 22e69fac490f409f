"""Volunteers: explicit consent, registration, matching to a need by skill and distance
(municipality centroids), withdrawal that erases the personal data, and contact relayed by the
platform without the authority ever seeing the address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.crisis import services
from videnbro.crisis.matching import distance_km, volunteers_for_need
from videnbro.crisis.models import Volunteer, VolunteerContact
from videnbro.registry.models import Municipality


def volunteer_data(**overrides) -> dict:
    data = {
        "name": "Karen Jensen",
        "email": "karen@example.dk",
        "phone": "+45 12 34 56 78",
        "skills": ["nurse"],
        "has_danish_authorisation": True,
        "municipality": "101",
        "travel_radius_km": "25",
        "consent": True,
        "certificates": "Førstehjælp",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(**overrides) -> Volunteer:
    volunteer, created = services.volunteer_register(data=volunteer_data(**overrides))
    assert created
    return volunteer


@pytest.fixture
def nurse_need(make_need):
    return make_need(
        title="Sygeplejersker til vaccinationscenter",
        item="staff",
        skills=["nurse", "sosu"],
        municipality="101",
        quantity="10",
        unit="personer",
        description="Vagter i Bella Center",
    )


def test_it_registration_needs_explicit_consent(db):
    count = Volunteer.objects.count()
    for consent in (None, False, "", "false"):
        with pytest.raises(ValidationError) as raised:
            services.volunteer_register(data=volunteer_data(consent=consent))
        assert list(raised.value.message_dict) == ["consent"]
    assert Volunteer.objects.count() == count


def test_it_registers_a_volunteer_with_the_consent_recorded(db):
    volunteer = register()
    assert volunteer.reference.startswith("FV-")
    assert volunteer.consent_at is not None and volunteer.consent_version
    assert volunteer.municipality.code == "101"
    assert volunteer.skills == ["nurse"] and volunteer.has_danish_authorisation
    log = AuditLog.objects.get(action="crisis.volunteer.registered", object_id=str(volunteer.pk))
    assert "karen" not in str(log.data).casefold()  # the audit trail holds no personal data


def test_it_names_the_invalid_fields_of_a_volunteer(db):
    with pytest.raises(ValidationError) as raised:
        services.volunteer_register(
            data=volunteer_data(
                email="karen",
                skills=["astronaut"],
                municipality="Atlantis",
                travel_radius_km="9999",
                available_from="2026-06-01",
                available_until="2026-05-01",
            )
        )
    assert set(raised.value.message_dict) == {
        "email",
        "skills",
        "municipality",
        "travel_radius_km",
        "available_until",
    }


def test_it_a_repeated_registration_with_its_key_is_one_volunteer(db):
    first, created = services.volunteer_register(data=volunteer_data(), idempotency_key="v-1")
    again, created_again = services.volunteer_register(data=volunteer_data(), idempotency_key="v-1")
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Volunteer.objects.filter(idempotency_key="v-1").count() == 1


def test_it_municipality_centroids_give_plausible_distances(db):
    copenhagen, frederiksberg, aalborg, aarhus = (
        Municipality.objects.get(code=c) for c in ("101", "147", "851", "751")
    )
    assert distance_km(copenhagen, copenhagen) == 0
    assert distance_km(copenhagen, frederiksberg) < 5
    assert 150 < distance_km(copenhagen, aarhus) < 170  # straight line, not by road
    assert 195 < distance_km(copenhagen, aalborg) < 225
    assert Municipality.objects.filter(latitude__isnull=True).count() == 0


def test_it_volunteers_match_a_need_by_skill_authorisation_and_distance(nurse_need):
    nearby = register(name="A", municipality="147", travel_radius_km="10")
    same_place = register(name="B", skills=["sosu", "driver"], travel_radius_km="0")
    far_but_willing = register(name="C", municipality="851", travel_radius_km="300")
    register(name="D", municipality="851", travel_radius_km="100")  # too far
    register(name="E", has_danish_authorisation=False)  # a nurse must state authorisation
    register(name="F", skills=["driver"])  # not a wanted skill
    withdrawn = register(name="G")
    services.volunteer_withdraw(volunteer=withdrawn)
    matches = volunteers_for_need(nurse_need)
    assert [m.volunteer for m in matches] == [same_place, nearby, far_but_willing]
    assert [m.skills for m in matches] == [["sosu"], ["nurse"], ["nurse"]]
    assert matches[0].distance_km == 0
    assert 0 < matches[1].distance_km < 5
    assert 195 < matches[2].distance_km < 225


def test_it_a_need_without_skills_takes_any_skill_but_authorised_ones_need_authorisation(make_need):
    need = make_need(item="transport", title="Kørsel af prøver", municipality="101", quantity=None)
    driver = register(skills=["driver"], has_danish_authorisation=False)
    register(skills=["doctor"], has_danish_authorisation=False)
    assert [m.volunteer for m in volunteers_for_need(need)] == [driver]


def test_it_withdrawal_erases_the_personal_data(nurse_need, rh_staff):
    volunteer = register()
    services.volunteer_contact(
        actor=rh_staff, need=nurse_need, volunteer=volunteer, message="Kan du tage en vagt lørdag?"
    )
    withdrawn = services.volunteer_withdraw(volunteer=volunteer)
    stored = Volunteer.objects.get(pk=withdrawn.pk)
    assert (stored.name, stored.email, stored.phone, stored.certificates) == ("", "", "", "")
    assert stored.status == "withdrawn" and stored.withdrawn_at is not None
    assert list(stored.contacts.values_list("message", flat=True)) == [""]
    assert stored.skills == ["nurse"]  # kept as an anonymous number for the evaluation
    assert volunteers_for_need(nurse_need) == []
    with pytest.raises(ConflictError):
        services.volunteer_contact(actor=rh_staff, need=nurse_need, volunteer=stored, message="Hej igen")


def test_it_contact_is_relayed_by_e_mail_without_giving_the_authority_the_address(
    nurse_need, rh_staff, run_tasks
):
    volunteer = register(email="skjult@example.dk")
    contact = services.volunteer_contact(
        actor=rh_staff,
        need=nurse_need,
        volunteer=volunteer,
        message="  Kan du tage en vagt lørdag kl. 8-16?  ",
    )
    assert contact.message == "Kan du tage en vagt lørdag kl. 8-16?"
    assert contact.sender == rh_staff
    assert "skjult@example.dk" not in str(
        AuditLog.objects.get(action="crisis.volunteer.contacted", object_id=str(volunteer.pk)).data
    )
    assert mail.outbox == []
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["skjult@example.dk"]
    assert "Kan du tage en vagt lørdag kl. 8-16?" in message.body
    assert "Region Hovedstaden" in message.body
    assert nurse_need.title in message.subject


def test_it_only_the_needs_authority_contacts_volunteers(nurse_need, sst_staff, member):
    volunteer = register()
    for actor in (sst_staff, member):
        with pytest.raises(PermissionDeniedError):
            services.volunteer_contact(actor=actor, need=nurse_need, volunteer=volunteer, message="Hej")
    assert not VolunteerContact.objects.exists()


def test_it_a_contact_needs_a_message_of_reasonable_length(nurse_need, rh_staff):
    volunteer = register()
    for message in ("", "   ", "x" * 3001):
        with pytest.raises(ValidationError):
            services.volunteer_contact(actor=rh_staff, need=nurse_need, volunteer=volunteer, message=message)
    assert not VolunteerContact.objects.exists()
