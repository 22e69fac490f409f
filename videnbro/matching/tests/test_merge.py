"""`registry.services.organisation_merge` – the merge action behind duplicate detection – and
`videnbro dedupe organisations --merge`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from videnbro.accounts.models import Role, User
from videnbro.core.audit import SYSTEM
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.partnerships.models import Participant, Partnership
from videnbro.partnerships.services import (
    ParticipantInput,
    contribution_add,
    evaluation_add,
    governance_body_add,
    partnership_create,
)
from videnbro.registry.models import (
    Capacity,
    ContactPerson,
    Membership,
    Organisation,
    OrganisationAlias,
    OrganisationSite,
)
from videnbro.registry.resolver import organisation_resolve
from videnbro.registry.services import (
    capacity_add,
    contact_add,
    membership_add,
    organisation_create,
    organisation_merge,
)
from videnbro.search.models import SearchDocument
from videnbro.search.services import search

MERGED = "registry.organisation.merged"


@dataclass
class Pair:
    survivor: Organisation
    duplicate: Organisation
    duplicate_id: int
    shared_group: Organisation
    cluster: Organisation
    member_of_duplicate: Organisation
    child: Organisation
    own_partnership: Partnership
    shared_partnership: Partnership
    capacity: Capacity
    contact: ContactPerson
    user: User


@pytest.fixture
def pair(seeded, org, make_user) -> Pair:
    """A survivor and a duplicate ("Hydrotek Nord") with every kind of relation the merge
    moves, some of which the survivor already has."""
    survivor = organisation_create(
        actor=SYSTEM, name="Bjerringbro Pumpeværk", kind="company", aliases=["BPV"], competences=["pumper"]
    )
    duplicate = organisation_create(
        actor=SYSTEM,
        name="Hydrotek Nord",
        kind="company",
        aliases=["Hydrotek"],
        cvr="10000009",
        website="https://hydrotek.dk",
        competences=["vandbehandling"],
        description="Leverer doseringspumper til hospitaler.",
    )
    cluster = org("klyngen-for-avanceret-produktion")
    shared_group = organisation_create(actor=SYSTEM, name="Pumpenetværket", kind="cluster")
    membership_add(actor=SYSTEM, organisation=duplicate, group=cluster)
    membership_add(actor=SYSTEM, organisation=duplicate, group=shared_group)
    membership_add(actor=SYSTEM, organisation=survivor, group=shared_group)
    member_of_duplicate = organisation_create(actor=SYSTEM, name="Smedien i Brønderslev", kind="company")
    membership_add(actor=SYSTEM, organisation=member_of_duplicate, group=duplicate)
    child = organisation_create(actor=SYSTEM, name="Hydrotek Service", kind="company", parent=duplicate)
    own_partnership = partnership_create(
        actor=SYSTEM,
        title="Doseringspumper til håndspritanlæg",
        focus_area="ppe",
        participants=[
            ParticipantInput(organisation=duplicate),
            ParticipantInput(organisation=org("grundfos")),
        ],
    )
    shared_partnership = partnership_create(
        actor=SYSTEM,
        title="Pumper til mobile testcentre",
        focus_area="test",
        participants=[ParticipantInput(organisation=survivor), ParticipantInput(organisation=duplicate)],
    )
    capacity = capacity_add(
        actor=SYSTEM,
        organisation=duplicate,
        item="doseringspumper",
        quantity=500,
        unit="stk.",
        per_period="month",
    )
    contact = contact_add(
        actor=SYSTEM, organisation=duplicate, name="Hanne Hansen", email="hanne@hydrotek.dk"
    )
    OrganisationSite.objects.create(organisation=duplicate, city="Aalborg")
    OrganisationSite.objects.create(organisation=duplicate, city="Bjerringbro")
    OrganisationSite.objects.create(organisation=survivor, city="Bjerringbro")
    user = make_user(Role.ORGANISATION_MEMBER, organisation=duplicate)
    return Pair(
        survivor,
        duplicate,
        duplicate.pk,
        shared_group,
        cluster,
        member_of_duplicate,
        child,
        own_partnership,
        shared_partnership,
        capacity,
        contact,
        user,
    )


def state(organisation_ids: list[int]) -> dict:
    """Everything the merge may touch, for 'nothing changed' checks."""
    return {
        "organisations": sorted(
            Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name", "cvr")
        ),
        "aliases": sorted(
            OrganisationAlias.objects.filter(organisation_id__in=organisation_ids).values_list(
                "organisation_id", "name"
            )
        ),
        "memberships": sorted(Membership.objects.values_list("pk", "organisation_id", "group_id")),
        "participants": sorted(Participant.objects.values_list("pk", "organisation_id")),
        "capacities": sorted(Capacity.objects.values_list("pk", "organisation_id")),
        "contacts": sorted(ContactPerson.objects.values_list("pk", "organisation_id")),
        "sites": sorted(OrganisationSite.objects.values_list("pk", "organisation_id")),
        "children": sorted(
            Organisation.objects.filter(parent_id__in=organisation_ids).values_list("pk", "parent_id")
        ),
        "users": sorted(
            User.objects.filter(organisation_id__in=organisation_ids).values_list("pk", "organisation_id")
        ),
        "merges": AuditLog.objects.filter(action=MERGED).count(),
    }


def test_it_moves_every_relation_of_the_duplicate_to_the_survivor(pair, secretariat):
    a, b = pair.survivor, pair.duplicate

    organisation_merge(actor=secretariat, survivor=a, duplicate=b)

    assert not Organisation.objects.filter(pk=pair.duplicate_id).exists()
    assert set(Membership.objects.filter(organisation=a).values_list("group_id", flat=True)) == {
        pair.cluster.pk,
        pair.shared_group.pk,
    }
    assert Membership.objects.filter(organisation=a, group=pair.shared_group).count() == 1
    assert list(Membership.objects.filter(group=a).values_list("organisation_id", flat=True)) == [
        pair.member_of_duplicate.pk
    ]
    assert set(Participant.objects.filter(organisation=a).values_list("partnership_id", flat=True)) == {
        pair.own_partnership.pk,
        pair.shared_partnership.pk,
    }
    assert pair.shared_partnership.participants.filter(organisation=a).count() == 1
    assert pair.own_partnership.participants.count() == 2  # with Grundfos, as before
    assert list(a.capacities.values_list("pk", flat=True)) == [pair.capacity.pk]
    assert list(a.contacts.values_list("pk", flat=True)) == [pair.contact.pk]
    assert sorted(a.sites.values_list("city", flat=True)) == ["Aalborg", "Bjerringbro"]
    assert list(a.units.values_list("pk", flat=True)) == [pair.child.pk]
    pair.user.refresh_from_db()
    assert pair.user.organisation_id == a.pk
    assert sorted(a.competences.values_list("name", flat=True)) == ["pumper", "vandbehandling"]
    for model in (Membership, Participant, Capacity, ContactPerson, OrganisationSite):
        assert not model.objects.filter(organisation_id=pair.duplicate_id).exists(), model
    assert not Membership.objects.filter(group_id=pair.duplicate_id).exists()


def test_it_turns_the_duplicates_names_into_aliases_the_resolver_finds(pair, secretariat):
    a, b = pair.survivor, pair.duplicate

    organisation_merge(actor=secretariat, survivor=a, duplicate=b)

    a.refresh_from_db()
    assert a.name == "Bjerringbro Pumpeværk"
    assert sorted(a.aliases.values_list("name", flat=True)) == ["BPV", "Hydrotek", "Hydrotek Nord"]
    assert a.cvr == "10000009"  # the survivor had none
    for written in ("Hydrotek Nord", "hydrotek nord a/s", "Hydrotek"):
        assert organisation_resolve(written).match.id == a.pk, written


def test_it_keeps_history_and_writes_an_audit_row_with_a_snapshot(pair, secretariat):
    a, b = pair.survivor, pair.duplicate
    history_before = list(
        Organisation.history.filter(id=pair.duplicate_id).values_list("history_id", flat=True)
    )
    assert history_before

    organisation_merge(actor=secretariat, survivor=a, duplicate=b)

    history = Organisation.history.filter(id=pair.duplicate_id).order_by("history_date")
    assert set(history_before) < set(history.values_list("history_id", flat=True))
    last = history.last()
    assert last.history_type == "-"
    assert last.name == "Hydrotek Nord"
    assert last.history_user == secretariat
    assert OrganisationAlias.history.filter(organisation_id=pair.duplicate_id, name="Hydrotek").exists()
    audit = AuditLog.objects.get(action=MERGED)
    assert audit.object_type == "registry.organisation"
    assert audit.object_id == str(a.pk)
    assert audit.actor == secretariat
    assert audit.data == {
        "merged": {
            "key": "hydrotek-nord",
            "name": "Hydrotek Nord",
            "cvr": "10000009",
            "aliases": ["Hydrotek"],
            "kind": "company",
            "website": "https://hydrotek.dk",
        },
        "merged_id": pair.duplicate_id,
    }


def test_it_updates_the_search_index(pair, secretariat):
    a, b = pair.survivor, pair.duplicate
    assert SearchDocument.objects.filter(doc_type="organisation", object_id=pair.duplicate_id).exists()

    organisation_merge(actor=secretariat, survivor=a, duplicate=b)

    assert not SearchDocument.objects.filter(doc_type="organisation", object_id=pair.duplicate_id).exists()
    assert not SearchDocument.objects.filter(owner=f"organisation:{pair.duplicate_id}").exists()
    found = search(q="Hydrotek Nord").results
    assert (found[0].type, found[0].id) == ("organisation", a.pk)
    assert ("organisation", pair.duplicate_id) not in {(r.type, r.id) for r in found}
    capacity = SearchDocument.objects.get(doc_type="capacity", object_id=pair.capacity.pk)
    assert capacity.title.startswith("Bjerringbro Pumpeværk")


def test_it_refuses_organisations_with_different_cvr_numbers_and_changes_nothing(pair, secretariat):
    from videnbro.registry.services import organisation_update

    organisation_update(actor=SYSTEM, organisation=pair.survivor, cvr="20000007")
    ids = [pair.survivor.pk, pair.duplicate_id]
    before = state(ids)

    with pytest.raises(ValidationError) as error:
        organisation_merge(actor=secretariat, survivor=pair.survivor, duplicate=pair.duplicate)

    assert "CVR" in error.value.message_dict["duplicate"][0]
    assert state(ids) == before


def test_it_refuses_to_merge_an_organisation_with_itself(pair, secretariat):
    before = state([pair.survivor.pk])

    with pytest.raises(ValidationError) as error:
        organisation_merge(
            actor=secretariat, survivor=pair.survivor, duplicate=Organisation.objects.get(pk=pair.survivor.pk)
        )

    assert error.value.message_dict["duplicate"]
    assert state([pair.survivor.pk]) == before


@pytest.mark.parametrize("role", [Role.ORGANISATION_MEMBER, Role.AUTHORITY_STAFF])
def test_it_refuses_users_who_do_not_keep_the_registry(pair, make_user, role):
    # A member of the survivor still may not merge.
    user = make_user(role, organisation=pair.survivor)
    ids = [pair.survivor.pk, pair.duplicate_id]
    before = state(ids)

    with pytest.raises(PermissionDeniedError):
        organisation_merge(actor=user, survivor=pair.survivor, duplicate=pair.duplicate)

    assert state(ids) == before


def test_it_merges_from_the_dedupe_command(pair):
    out = StringIO()

    call_command("dedupe", "organisations", "--merge", pair.survivor.key, pair.duplicate.key, stdout=out)

    assert out.getvalue().strip() == "Merged hydrotek-nord into bjerringbro-pumpevaerk."
    assert not Organisation.objects.filter(pk=pair.duplicate_id).exists()
    assert pair.survivor.capacities.get().pk == pair.capacity.pk
    audit = AuditLog.objects.get(action=MERGED)
    assert audit.actor is None
    assert audit.actor_label == "cli-dedupe"


def test_it_reports_unknown_keys_and_refused_merges_in_the_dedupe_command(pair):
    from videnbro.registry.services import organisation_update

    with pytest.raises(CommandError, match="existing organisations"):
        call_command("dedupe", "organisations", "--merge", pair.survivor.key, "findes-ikke")
    organisation_update(actor=SYSTEM, organisation=pair.survivor, cvr="20000007")
    with pytest.raises(CommandError, match="CVR"):
        call_command("dedupe", "organisations", "--merge", pair.survivor.key, pair.duplicate.key)
    assert Organisation.objects.filter(pk=pair.duplicate_id).exists()
    assert not AuditLog.objects.filter(action=MERGED).exists()


def _governance_seat(partnership, organisation):
    governance_body_add(
        actor=SYSTEM,
        partnership=partnership,
        kind="steering_group",
        name="Styregruppen",
        members=[(organisation, "formand")],
    )


def _contribution(partnership, organisation):
    contribution_add(
        actor=SYSTEM, partnership=partnership, organisation=organisation, year=2020, in_kind="pumper"
    )


def _evaluation(partnership, organisation):
    evaluation_add(
        actor=SYSTEM,
        partnership=partnership,
        kind="process",
        date=datetime.date(2020, 12, 1),
        method="interview",
        findings="god",
        evaluator=organisation,
    )


@pytest.mark.parametrize(
    "relate",
    [_governance_seat, _contribution, _evaluation],
    ids=["governance-seat", "contribution", "evaluator"],
)
def test_it_merges_a_duplicate_with_partnership_governance_contributions_or_evaluations(
    pair, secretariat, relate
):
    relate(pair.own_partnership, pair.duplicate)

    organisation_merge(actor=secretariat, survivor=pair.survivor, duplicate=pair.duplicate)

    assert not Organisation.objects.filter(pk=pair.duplicate_id).exists()
