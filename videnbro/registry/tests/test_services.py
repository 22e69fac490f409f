"""Registry services: rules, permissions, audit rows and history – and nothing written on error."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.registry import services
from videnbro.registry.models import (
    Capacity,
    ContactPerson,
    Membership,
    Municipality,
    Organisation,
    OrganisationAlias,
    Region,
)

VALID_CVR = "10007127"  # 1·2 + 7·4 + 1·3 + 2·2 + 7·1 = 44 = 4·11
OTHER_VALID_CVR = "24256790"


def snapshot():
    return (
        Organisation.objects.count(),
        OrganisationAlias.objects.count(),
        AuditLog.objects.count(),
        Organisation.history.count(),
        Capacity.objects.count(),
        ContactPerson.objects.count(),
        Membership.objects.count(),
    )


@contextmanager
def writes_nothing():
    before = snapshot()
    yield
    assert snapshot() == before


def field_errors(info) -> dict[str, list[str]]:
    return info.value.message_dict


# --- organisation_create ---------------------------------------------------------------------


def test_it_defaults_the_sector_from_the_kind(seeded):
    company = services.organisation_create(actor=SYSTEM, name="Testfirma Zeta", kind="company")
    foundation = services.organisation_create(actor=SYSTEM, name="Testfonden Zeta", kind="foundation")
    hospital = services.organisation_create(actor=SYSTEM, name="Testhospital Zeta", kind="hospital")
    assert (company.sector, foundation.sector, hospital.sector) == ("market", "civil_society", "public")


def test_it_keeps_an_explicit_sector(seeded):
    org = services.organisation_create(
        actor=SYSTEM, name="Zeta Selvejende", kind="hospital", sector="civil_society"
    )
    assert Organisation.objects.get(pk=org.pk).sector == "civil_society"


def test_it_derives_the_region_from_the_municipality(seeded):
    aarhus = Municipality.objects.get(code="751")
    org = services.organisation_create(
        actor=SYSTEM, name="Zeta Aarhus ApS", kind="company", municipality=aarhus
    )
    org.refresh_from_db()
    assert org.region.slug == "midtjylland"


def test_it_rejects_a_region_that_does_not_contain_the_municipality(seeded):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(
            actor=SYSTEM,
            name="Zeta Mismatch",
            kind="company",
            municipality=Municipality.objects.get(code="751"),
            region=Region.objects.get(slug="hovedstaden"),
        )
    assert field_errors(info) == {"region": ["Regionen passer ikke til kommunen."]}


def test_it_stores_a_cleaned_cvr_number(seeded):
    org = services.organisation_create(actor=SYSTEM, name="Zeta CVR", kind="company", cvr="DK 10 00 71 27")
    assert Organisation.objects.get(pk=org.pk).cvr == VALID_CVR


def test_it_rejects_a_bad_cvr_on_the_cvr_field_and_writes_nothing(seeded):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(actor=SYSTEM, name="Zeta Bad", kind="company", cvr="12345678")
    assert field_errors(info) == {
        "cvr": ["12345678 er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke)."]
    }


def test_it_rejects_a_duplicate_cvr_naming_the_holder(seeded):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(actor=SYSTEM, name="Zeta Dup", kind="company", cvr="17538896")
    assert field_errors(info) == {
        "cvr": ["CVR-nummeret 17538896 er allerede registreret for Copenhagen Capacity."]
    }


@pytest.mark.parametrize("name", ["Grundfos", "GRUNDFOS", "Grundfos A/S", " Grundfos  ApS"])
def test_it_rejects_a_duplicate_name_naming_the_existing_record(seeded, name):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(actor=SYSTEM, name=name, kind="company")
    assert field_errors(info) == {
        "name": ["Grundfos findes allerede i registret; brug den eksisterende post."]
    }


def test_it_allows_two_companies_with_the_same_name_and_different_cvr(seeded):
    first = services.organisation_create(actor=SYSTEM, name="Zeta Twin", kind="company", cvr=VALID_CVR)
    second = services.organisation_create(actor=SYSTEM, name="Zeta Twin", kind="company", cvr=OTHER_VALID_CVR)
    assert first.key == "zeta-twin"
    assert second.key == "zeta-twin-2"


def test_it_requires_a_name_with_letters(seeded):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(actor=SYSTEM, name="&/", kind="company")
    assert field_errors(info)["name"] == ["Navnet skal indeholde bogstaver eller tal."]


def test_it_rejects_an_unknown_kind(seeded):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(actor=SYSTEM, name="Zeta Kind", kind="spaceship")
    assert "kind" in field_errors(info)


def test_it_only_lets_hospitals_be_acute_hospitals(seeded):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(actor=SYSTEM, name="Zeta Akut", kind="company", is_acute_hospital=True)
    assert field_errors(info) == {"is_acute_hospital": ["Kun hospitaler kan være akuthospitaler."]}


def test_it_writes_one_audit_row_and_one_history_row_on_create(seeded, secretariat):
    audit_before = AuditLog.objects.count()
    org = services.organisation_create(
        actor=secretariat, name="Zeta Audit", kind="company", aliases=["ZA"], competences=["Pumper"]
    )
    rows = AuditLog.objects.filter(object_type="registry.organisation", object_id=str(org.pk))
    assert AuditLog.objects.count() == audit_before + 1
    row = rows.get()
    assert row.action == "registry.organisation.created"
    assert row.actor == secretariat
    assert row.actor_label == secretariat.username
    assert row.data == {"name": "Zeta Audit", "kind": "company"}
    history = org.history.all()
    assert history.count() == 1
    assert history.get().history_type == "+"
    assert list(org.aliases.values_list("name", flat=True)) == ["ZA"]
    assert list(org.competences.values_list("name", flat=True)) == ["Pumper"]


def test_it_drops_aliases_that_only_repeat_the_name(seeded):
    org = services.organisation_create(
        actor=SYSTEM,
        name="Zeta Repeat",
        kind="company",
        aliases=["ZETA REPEAT", "Zeta Repeat A/S", "ZR", "zr"],
    )
    assert list(org.aliases.values_list("name", flat=True)) == ["ZR"]


@pytest.mark.parametrize(("alias", "holder"), [("Grundfos", "Grundfos"), ("KU", "Københavns Universitet")])
def test_it_refuses_an_alias_that_names_another_organisation(seeded, alias, holder):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_create(actor=SYSTEM, name="Zeta Alias", kind="company", aliases=[alias])
    assert field_errors(info) == {"aliases": [f"Aliaset »{alias}« bruges allerede af {holder}."]}


def test_it_refuses_an_alias_clash_on_update(seeded, org):
    grundfos = org("grundfos")
    audit_before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as info:
        services.organisation_update(
            actor=SYSTEM, organisation=grundfos, aliases=["Grundfoss", "Novo Nordisk"]
        )
    assert field_errors(info) == {"aliases": ["Aliaset »Novo Nordisk« bruges allerede af Novo Nordisk."]}
    assert AuditLog.objects.count() == audit_before
    assert list(org("grundfos").aliases.values_list("name", flat=True)) == ["Grundfoss"]


# --- organisation_update ---------------------------------------------------------------------


def test_it_writes_nothing_when_nothing_changed(seeded, org):
    grundfos = org("grundfos")
    before = snapshot()
    _org, changed = services.organisation_update(
        actor=SYSTEM,
        organisation=grundfos,
        name=grundfos.name,
        kind=grundfos.kind,
        website=grundfos.website,
        aliases=["Grundfoss"],
    )
    assert changed == []
    assert snapshot() == before


def test_it_records_changed_fields_in_audit_and_history(seeded, org):
    grundfos = org("grundfos")
    history_before = grundfos.history.count()
    _org, changed = services.organisation_update(
        actor=SYSTEM, organisation=grundfos, description="Pumper", website=grundfos.website
    )
    assert changed == ["description"]
    row = AuditLog.objects.filter(object_id=str(grundfos.pk), action="registry.organisation.updated").get()
    assert row.data == {"changed": ["description"]}
    assert grundfos.history.count() == history_before + 1
    assert org("grundfos").description == "Pumper"


def test_it_moves_the_region_with_the_municipality(seeded, org):
    grundfos = org("grundfos")
    services.organisation_update(
        actor=SYSTEM, organisation=grundfos, municipality=Municipality.objects.get(code="101")
    )
    assert org("grundfos").region.slug == "hovedstaden"


def test_it_rejects_a_bad_cvr_on_update_and_writes_nothing(seeded, org):
    grundfos = org("grundfos")
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_update(actor=SYSTEM, organisation=grundfos, cvr="1234")
    assert field_errors(info) == {"cvr": ["Et CVR-nummer består af 8 cifre (fik 1234)."]}
    assert org("grundfos").cvr is None


def test_it_rejects_a_duplicate_cvr_on_update(seeded, org):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_update(actor=SYSTEM, organisation=org("grundfos"), cvr="17538896")
    assert "cvr" in field_errors(info)


def test_it_refuses_an_organisation_as_its_own_parent(seeded, org):
    grundfos = org("grundfos")
    with pytest.raises(ValidationError) as info:
        services.organisation_update(actor=SYSTEM, organisation=grundfos, parent=grundfos)
    assert "parent" in field_errors(info)


def test_it_rejects_renaming_to_an_existing_name(seeded, org):
    with writes_nothing(), pytest.raises(ValidationError) as info:
        services.organisation_update(actor=SYSTEM, organisation=org("grundfos"), name="IKEA")
    assert field_errors(info) == {"name": ["IKEA findes allerede i registret; brug den eksisterende post."]}


# --- permissions -----------------------------------------------------------------------------


def test_it_refuses_anonymous_writes(seeded, org):
    from django.contrib.auth.models import AnonymousUser

    with writes_nothing():
        with pytest.raises(PermissionDeniedError):
            services.organisation_create(actor=AnonymousUser(), name="Zeta Anon", kind="company")
        with pytest.raises(PermissionDeniedError):
            services.organisation_update(actor=AnonymousUser(), organisation=org("grundfos"), description="x")
        with pytest.raises(PermissionDeniedError):
            services.organisation_create(actor=None, name="Zeta None", kind="company")


def test_it_refuses_a_member_editing_another_organisation(seeded, org, grundfos_member):
    with writes_nothing(), pytest.raises(PermissionDeniedError):
        services.organisation_update(actor=grundfos_member, organisation=org("ikea"), description="x")


def test_it_lets_a_member_edit_their_own_organisation(seeded, org, grundfos_member):
    _org, changed = services.organisation_update(
        actor=grundfos_member, organisation=org("grundfos"), description="x"
    )
    assert changed == ["description"]
    row = AuditLog.objects.get(action="registry.organisation.updated", object_id=str(org("grundfos").pk))
    assert row.actor == grundfos_member


@pytest.mark.parametrize("role", [Role.ORGANISATION_MEMBER, Role.DATA_CUSTODIAN, Role.DATA_BROKER])
def test_it_refuses_creation_by_roles_without_the_right(seeded, make_user, org, role):
    user = make_user(role, organisation=org("grundfos"))
    with writes_nothing(), pytest.raises(PermissionDeniedError) as info:
        services.organisation_create(actor=user, name="Zeta Nope", kind="company")
    assert str(info.value) == "Du har ikke ret til at oprette organisationer."


@pytest.mark.parametrize("role", [Role.CLUSTER_SECRETARIAT, Role.AUTHORITY_STAFF, Role.PLATFORM_ADMIN])
def test_it_lets_keepers_and_authority_staff_create(seeded, make_user, role):
    user = make_user(role)
    org = services.organisation_create(actor=user, name=f"Zeta {role}", kind="company")
    assert org.pk


def test_it_lets_the_cluster_secretariat_edit_any_organisation(seeded, org, secretariat):
    for key in ("grundfos", "region-hovedstaden", "novo-nordisk-fonden"):
        _org, changed = services.organisation_update(
            actor=secretariat, organisation=org(key), description="Redigeret"
        )
        assert changed == ["description"]


def test_it_refuses_authority_staff_editing_other_organisations(seeded, org, authority_staff):
    with pytest.raises(PermissionDeniedError):
        services.organisation_update(actor=authority_staff, organisation=org("grundfos"), description="x")


def test_it_refuses_an_inactive_keeper(seeded, secretariat):
    secretariat.is_active = False
    secretariat.save()
    with pytest.raises(PermissionDeniedError):
        services.organisation_create(actor=secretariat, name="Zeta Inactive", kind="company")


# --- capacities, memberships, contacts ------------------------------------------------------


def test_it_adds_a_capacity_with_an_audit_row(seeded, org, grundfos_member):
    capacity = services.capacity_add(
        actor=grundfos_member, organisation=org("grundfos"), item="visirer", quantity=3000, per_period="day"
    )
    assert str(capacity) == "3.000 visirer pr. dag"
    assert AuditLog.objects.filter(action="registry.capacity.added", object_id=str(capacity.pk)).count() == 1


def test_it_rejects_a_negative_capacity(seeded, org):
    with writes_nothing(), pytest.raises(ValidationError):
        services.capacity_add(actor=SYSTEM, organisation=org("grundfos"), item="x", quantity=-1)


def test_it_refuses_a_capacity_on_another_organisation(seeded, org, grundfos_member):
    with writes_nothing(), pytest.raises(PermissionDeniedError):
        services.capacity_add(actor=grundfos_member, organisation=org("ikea"), item="x", quantity=1)


def test_it_refuses_duplicate_and_self_memberships(seeded, org):
    cluster = org("danish-life-science-cluster")
    member = Membership.objects.filter(group=cluster).first()
    with writes_nothing():
        with pytest.raises(ValidationError):
            services.membership_add(
                actor=SYSTEM, organisation=member.organisation, group=cluster, role=member.role
            )
        with pytest.raises(ValidationError):
            services.membership_add(actor=SYSTEM, organisation=cluster, group=cluster)


def test_it_keeps_personal_data_out_of_the_audit_row(seeded, org):
    contact = services.contact_add(
        actor=SYSTEM, organisation=org("grundfos"), name="Karen Hansen", email="karen@example.com"
    )
    row = AuditLog.objects.get(action="registry.contact.added", object_id=str(contact.pk))
    assert "Karen" not in str(row.data) and "karen@" not in str(row.data)
