"""The partnership services: resolution of participants, the partner-type suggestion, validation,
audit rows and who may write."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.partnerships import services
from videnbro.partnerships.models import Evaluation, Participant, Partnership
from videnbro.partnerships.services import ParticipantInput, UnresolvedParticipantsError


def named(*names, role="partner"):
    return [ParticipantInput(name=name, role=role) for name in names]


def create(actor, title="Fælles testindsats", **kwargs):
    return services.partnership_create(actor=actor, title=title, **kwargs)


def test_it_resolves_a_misspelt_participant_name_to_the_registry_organisation(secretariat, org):
    partnership = create(secretariat, participants=named("Grundfoss", "Novo Nordisk A/S"))
    participants = list(partnership.participants.select_related("organisation"))
    assert [p.organisation for p in participants] == [org("grundfos"), org("novo-nordisk")]
    assert [p.mention for p in participants] == ["Grundfoss", "Novo Nordisk A/S"]


def test_it_refuses_an_uncertain_name_with_candidates_and_writes_nothing(secretariat):
    before = (Partnership.objects.count(), Participant.objects.count(), AuditLog.objects.count())
    with pytest.raises(UnresolvedParticipantsError) as raised:
        create(secretariat, participants=named("Grundfos", "Region"))
    error = raised.value
    (unresolved,) = error.extra["unresolved"]
    assert unresolved["name"] == "Region"
    assert unresolved["index"] == 1
    names = [c["name"] for c in unresolved["candidates"]]
    assert "Region Hovedstaden" in names
    assert all({"id", "name", "score"} <= set(c) for c in unresolved["candidates"])
    assert "Region" in error.errors["participants"][0]
    assert (Partnership.objects.count(), Participant.objects.count(), AuditLog.objects.count()) == before


def test_it_suggests_the_partner_type_when_none_is_given(secretariat):
    partnership = create(secretariat, participants=named("Grundfos", "Novo Nordisk"))
    assert partnership.partner_type == "market"
    assert partnership.partner_type_origin == "suggested"
    partnership = create(secretariat, title="Blandet", participants=named("Grundfos", "Dansk Røde Kors"))
    assert (partnership.partner_type, partnership.partner_type_origin) == ("cross_sector", "suggested")


def test_it_keeps_a_partner_type_given_by_the_editor(secretariat):
    partnership = create(secretariat, participants=named("Grundfos"), partner_type="civil_society")
    partnership.refresh_from_db()
    assert (partnership.partner_type, partnership.partner_type_origin) == ("civil_society", "manual")


def test_it_keeps_the_cbs_partner_type_when_participants_change(cbs, org):
    number_54 = cbs(54)
    assert (number_54.partner_type, number_54.partner_type_origin) == ("market", "source")
    _, changed = services.partnership_update(
        actor=SYSTEM,
        partnership=number_54,
        participants=[ParticipantInput(organisation=org("dansk-roede-kors"))],
    )
    assert changed == ["participants"]
    number_54.refresh_from_db()
    assert (number_54.partner_type, number_54.partner_type_origin) == ("market", "source")
    assert list(number_54.participants.values_list("organisation__key", flat=True)) == ["dansk-roede-kors"]
    assert number_54.sources.filter(source__code="cbs-2020").exists()


def test_it_re_suggests_a_suggested_partner_type_when_participants_change(secretariat, org):
    partnership = create(secretariat, participants=named("Grundfos"))
    assert partnership.partner_type == "market"
    services.partnership_update(
        actor=secretariat, partnership=partnership, participants=named("Grundfos", "Dansk Røde Kors")
    )
    partnership.refresh_from_db()
    assert (partnership.partner_type, partnership.partner_type_origin) == ("cross_sector", "suggested")


def test_it_records_history_when_a_cbs_record_is_edited(cbs, secretariat):
    number_7 = cbs(7)
    history = number_7.history.count()
    services.partnership_update(actor=secretariat, partnership=number_7, title="Ny titel")
    assert number_7.history.count() == history + 1
    assert number_7.history.first().title == "Ny titel"
    assert number_7.history.last().title != "Ny titel"


def test_it_refuses_an_end_before_the_start(secretariat):
    count = Partnership.objects.count()
    with pytest.raises(ValidationError) as raised:
        create(secretariat, start=date(2021, 5, 1), end=date(2021, 4, 30))
    assert "end" in raised.value.message_dict
    assert Partnership.objects.count() == count


def test_it_refuses_an_end_before_the_start_on_update(cbs, secretariat):
    partnership = create(secretariat, start=date(2021, 5, 1))
    with pytest.raises(ValidationError) as raised:
        services.partnership_update(actor=secretariat, partnership=partnership, end=date(2020, 1, 1))
    assert "end" in raised.value.message_dict
    partnership.refresh_from_db()
    assert partnership.end is None


def test_it_writes_an_audit_row_for_create_and_update(secretariat, org):
    partnership = create(secretariat, participants=named("Grundfos"))
    row = AuditLog.objects.get(action="partnerships.partnership.created", object_id=str(partnership.pk))
    assert row.actor == secretariat
    assert row.object_type == "partnerships.partnership"
    assert row.data["participants"] == [org("grundfos").pk]
    services.partnership_update(actor=secretariat, partnership=partnership, status="ended")
    row = AuditLog.objects.get(action="partnerships.partnership.updated", object_id=str(partnership.pk))
    assert row.data == {"changed": ["status"]}


def test_it_writes_no_audit_row_for_an_update_that_changes_nothing(cbs, secretariat):
    number_3 = cbs(3)
    before = AuditLog.objects.count()
    _, changed = services.partnership_update(actor=secretariat, partnership=number_3, title=number_3.title)
    assert changed == []
    assert AuditLog.objects.count() == before


@pytest.mark.parametrize("who", ["anonymous", "no_organisation"])
def test_it_refuses_creation_by_anonymous_and_users_without_organisation(make_user, who):
    actor = AnonymousUser() if who == "anonymous" else make_user(Role.ORGANISATION_MEMBER)
    count = Partnership.objects.count()
    with pytest.raises(PermissionDeniedError):
        create(actor, participants=named("Grundfos"))
    assert Partnership.objects.count() == count


def test_it_lets_a_member_of_an_organisation_create(grundfos_member):
    partnership = create(grundfos_member, participants=named("Grundfos"))
    assert partnership.pk


def test_it_lets_a_member_of_a_participating_organisation_edit(cbs, make_user, org):
    member = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk-fonden"))
    services.partnership_update(actor=member, partnership=cbs(54), description="Opdateret")
    assert cbs(54).description == "Opdateret"


def test_it_refuses_editing_by_a_member_of_another_organisation(cbs, grundfos_member):
    number_54 = cbs(54)
    with pytest.raises(PermissionDeniedError):
        services.partnership_update(actor=grundfos_member, partnership=number_54, description="Kapret")
    assert cbs(54).description != "Kapret"


def test_it_refuses_editing_by_anonymous(cbs):
    with pytest.raises(PermissionDeniedError):
        services.partnership_update(actor=AnonymousUser(), partnership=cbs(54), title="x")


def test_it_lets_the_cluster_secretariat_edit_any_partnership(cbs, secretariat):
    for number in (1, 54, 62):
        services.partnership_update(actor=secretariat, partnership=cbs(number), status="active")
        assert cbs(number).status == "active"


def test_it_adds_an_evaluation_by_authority_staff(cbs, authority_staff):
    evaluation = services.evaluation_add(
        actor=authority_staff,
        partnership=cbs(1),
        kind="result",
        date=date(2021, 3, 1),
        method="Interviews",
        findings="Produktionen kom hurtigt i gang.",
        rating=4,
    )
    assert evaluation.created_by == authority_staff
    assert list(cbs(1).evaluations.values_list("rating", flat=True)) == [4]
    assert AuditLog.objects.filter(
        action="partnerships.evaluation.added", object_id=str(evaluation.pk)
    ).exists()


def test_it_refuses_an_evaluation_by_anonymous(cbs):
    with pytest.raises(PermissionDeniedError):
        services.evaluation_add(
            actor=AnonymousUser(),
            partnership=cbs(1),
            kind="process",
            date=date(2021, 3, 1),
            method="m",
            findings="f",
        )
    assert not Evaluation.objects.exists()


def test_it_refuses_an_evaluation_by_a_member_of_another_organisation(cbs, grundfos_member):
    with pytest.raises(PermissionDeniedError):
        services.evaluation_add(
            actor=grundfos_member,
            partnership=cbs(54),
            kind="process",
            date=date(2021, 3, 1),
            method="m",
            findings="f",
        )


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_it_refuses_a_rating_outside_1_to_5(cbs, authority_staff, rating):
    with pytest.raises(ValidationError) as raised:
        services.evaluation_add(
            actor=authority_staff,
            partnership=cbs(1),
            kind="result",
            date=date(2021, 3, 1),
            method="m",
            findings="f",
            rating=rating,
        )
    assert "rating" in raised.value.message_dict
    assert not Evaluation.objects.exists()


def test_it_refuses_an_unknown_participant_role(secretariat, org):
    with pytest.raises(ValidationError) as raised:
        create(secretariat, participants=[ParticipantInput(organisation=org("grundfos"), role="boss")])
    assert "boss" in raised.value.message_dict["participants"][0]
