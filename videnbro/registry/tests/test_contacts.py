"""Who sees an organisation's contact persons (finding 2 of issue 12): staff who broker
collaboration, the organisation's own members and members of organisations that share a
current, curated partnership with it (one a registry keeper stands behind or one from a
source) – never a fresh self-service account, an unrelated member or a member who made up a
partnership listing everyone."""

from __future__ import annotations

import pytest

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.partnerships import services as partnership_services
from videnbro.partnerships.models import Status
from videnbro.partnerships.services import ParticipantInput
from videnbro.registry import permissions, services

pytestmark = pytest.mark.regression

EMAIL = "karen.kontakt@grundfos.example.org"


@pytest.fixture
def grundfos(org):
    organisation = org("grundfos")
    services.contact_add(
        actor=SYSTEM,
        organisation=organisation,
        name="Karen Kontaktsen",
        title="Innovationschef",
        email=EMAIL,
        phone="+45 12 34 56 78",
    )
    return organisation


@pytest.fixture
def partnership(grundfos, org, secretariat):
    """Grundfos and Novo Nordisk work together in an active partnership the cluster
    secretariat registered (a curated partnership)."""
    return partnership_services.partnership_create(
        actor=secretariat,
        title="Testpartnerskab om respiratorer",
        status=Status.ACTIVE,
        participants=[
            ParticipantInput(organisation=grundfos),
            ParticipantInput(organisation=org("novo-nordisk")),
        ],
    )


@pytest.fixture
def self_signed_up(make_user):
    """What self-service sign-up makes: a member without an organisation (only a stated one)."""
    user = make_user(Role.ORGANISATION_MEMBER, organisation=None)
    user.stated_organisation = "Grundfos"
    user.save(update_fields=["stated_organisation"])
    return user


def page(client, user, organisation) -> str:
    client.force_login(user)
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def api_contacts(api_as, user, organisation):
    response = api_as(user).get(f"/api/v1/organisations/{organisation.pk}/")
    assert response.status_code == 200
    return response.json()["contacts"]


def test_it_hides_contacts_from_a_self_signed_up_account(
    grundfos, partnership, self_signed_up, client, api_as
):
    html = page(client, self_signed_up, grundfos)
    assert "Karen Kontaktsen" not in html and EMAIL not in html
    assert "vises kun for medarbejdere" in html
    assert api_contacts(api_as, self_signed_up, grundfos) is None


def test_it_hides_contacts_from_a_data_applicant_without_organisation(grundfos, make_user, api_as):
    for role in (Role.DATA_BROKER, Role.DATA_CUSTODIAN):
        assert api_contacts(api_as, make_user(role), grundfos) is None


def test_it_shows_contacts_to_a_member_of_a_partner_organisation(
    grundfos, partnership, org, make_user, client, api_as
):
    partner = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk"))
    html = page(client, partner, grundfos)
    assert "Karen Kontaktsen" in html and f"mailto:{EMAIL}" in html
    assert api_contacts(api_as, partner, grundfos) == [
        {"name": "Karen Kontaktsen", "title": "Innovationschef", "email": EMAIL, "phone": "+45 12 34 56 78"}
    ]


def test_it_hides_contacts_from_a_member_of_an_unrelated_organisation(
    grundfos, partnership, org, make_user, client, api_as
):
    stranger = make_user(Role.ORGANISATION_MEMBER, organisation=org("ikea"))
    html = page(client, stranger, grundfos)
    assert "Karen Kontaktsen" not in html and EMAIL not in html
    assert api_contacts(api_as, stranger, grundfos) is None


def test_it_hides_contacts_once_the_partnership_has_ended(grundfos, partnership, org, make_user, api_as):
    partnership_services.partnership_update(actor=SYSTEM, partnership=partnership, status=Status.ENDED)
    partner = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk"))
    assert api_contacts(api_as, partner, grundfos) is None


def test_it_shows_contacts_to_the_organisations_own_members(grundfos, make_user, api_as):
    own = make_user(Role.ORGANISATION_MEMBER, organisation=grundfos)
    assert api_contacts(api_as, own, grundfos)[0]["email"] == EMAIL


@pytest.mark.parametrize("role", [Role.PLATFORM_ADMIN, Role.CLUSTER_SECRETARIAT, Role.AUTHORITY_STAFF])
def test_it_shows_contacts_to_staff(grundfos, make_user, client, api_as, role):
    staff = make_user(role)
    assert "Karen Kontaktsen" in page(client, staff, grundfos)
    assert api_contacts(api_as, staff, grundfos)[0]["email"] == EMAIL


def test_it_hides_contacts_from_anonymous_visitors(grundfos, client, api):
    html = client.get(grundfos.get_absolute_url()).content.decode()
    assert "Karen Kontaktsen" not in html and "/log-ind/?next=" in html
    assert api.get(f"/api/v1/organisations/{grundfos.pk}/").json()["contacts"] is None


def test_it_the_partnerships_app_registers_its_collaboration_check(grundfos, partnership, org):
    assert permissions.organisations_collaborate(grundfos.pk, org("novo-nordisk").pk)
    assert permissions.organisations_collaborate(org("novo-nordisk").pk, grundfos.pk)
    assert not permissions.organisations_collaborate(grundfos.pk, org("ikea").pk)


# A partnership only counts when a registry keeper or a source stands behind it: anyone with an
# organisation may create a partnership and list any organisation in it.


def test_it_a_partnership_made_by_a_member_does_not_open_contacts(grundfos, org, make_user, client, api_as):
    member = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk"))
    partnership_services.partnership_create(
        actor=member,
        title="Alle sammen",
        status=Status.ACTIVE,
        participants=[
            ParticipantInput(organisation=org("novo-nordisk")),
            ParticipantInput(organisation=grundfos),
            ParticipantInput(organisation=org("ikea")),
        ],
    )
    html = page(client, member, grundfos)
    assert "Karen Kontaktsen" not in html and EMAIL not in html
    assert api_contacts(api_as, member, grundfos) is None
    assert not permissions.organisations_collaborate(org("novo-nordisk").pk, grundfos.pk)


def test_it_a_members_edit_of_a_curated_partnership_closes_it_until_a_keeper_saves_it(
    grundfos, partnership, org, make_user, secretariat, api_as
):
    partner = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk"))
    partnership_services.partnership_update(
        actor=partner,
        partnership=partnership,
        participants=[
            ParticipantInput(organisation=org("novo-nordisk")),
            ParticipantInput(organisation=grundfos),
            ParticipantInput(organisation=org("ikea")),
        ],
    )
    assert api_contacts(api_as, partner, grundfos) is None
    partnership_services.partnership_update(
        actor=secretariat, partnership=partnership, title="Bekræftet af sekretariatet"
    )
    assert api_contacts(api_as, partner, grundfos)[0]["email"] == EMAIL


def test_it_a_partnership_from_a_source_opens_contacts(grundfos, org, make_user, api_as):
    from videnbro.registry.models import Source

    source = Source.objects.order_by("pk").first()
    partnership_services.partnership_create(
        actor=SYSTEM,
        title="Fra kilden",
        status=Status.ACTIVE,
        participants=[
            ParticipantInput(organisation=grundfos),
            ParticipantInput(organisation=org("novo-nordisk")),
        ],
        sources=[{"source": source, "source_page": "1"}],
    )
    partner = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk"))
    assert api_contacts(api_as, partner, grundfos)[0]["email"] == EMAIL


def test_it_a_partnership_without_keeper_or_source_does_not_open_contacts(grundfos, org, make_user, api_as):
    partnership_services.partnership_create(
        actor=SYSTEM,
        title="Uden kilde",
        status=Status.ACTIVE,
        participants=[
            ParticipantInput(organisation=grundfos),
            ParticipantInput(organisation=org("novo-nordisk")),
        ],
    )
    partner = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk"))
    assert api_contacts(api_as, partner, grundfos) is None
