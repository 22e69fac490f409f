"""Partnership participant lists follow the registry's one visibility rule (issue 12,
finding 6): an unverified organisation (made from an offer, a volunteer or a sign-up) is not
shown in the public partnership table, page, API or export, and nobody can list as a
participant an organisation they cannot see."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.partnerships import services
from videnbro.partnerships.models import Partnership
from videnbro.partnerships.services import ParticipantInput
from videnbro.registry import services as registry_services

pytestmark = pytest.mark.regression

HIDDEN = "Zyxwv Visirværksted"
LIST = "/api/v1/partnerships/"


@pytest.fixture
def unverified(seeded):
    return registry_services.organisation_create(actor=SYSTEM, name=HIDDEN, kind="company", is_verified=False)


@pytest.fixture
def mixed(unverified, org):
    """A partnership whose participants include an unverified organisation."""
    return services.partnership_create(
        actor=SYSTEM,
        title="Qwerty blandet partnerskab",
        participants=[
            ParticipantInput(organisation=org("grundfos")),
            ParticipantInput(organisation=unverified),
        ],
    )


def test_it_the_public_pages_leave_unverified_participants_out(mixed, client):
    detail = client.get(mixed.get_absolute_url()).content.decode()
    assert "Grundfos" in detail and HIDDEN not in detail
    table = client.get("/partnerskaber/?q=Qwerty").content.decode()
    assert "Qwerty blandet partnerskab" in table and HIDDEN not in table
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/partnerskaber/eksport.{fmt}")
        assert response.status_code == 200
        if fmt == "csv":
            text = response.content.decode("utf-8-sig")
            assert "Qwerty blandet partnerskab" in text and HIDDEN not in text


def test_it_the_api_leaves_unverified_participants_out(mixed, api, api_as, make_user, org):
    member = make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos"))
    for client in (api, api_as(member)):
        body = client.get(f"{LIST}{mixed.pk}/").json()
        assert [p["organisation"]["name"] for p in body["participants"]] == ["Grundfos"]
        rows = client.get(f"{LIST}?page_size=200").json()["results"]
        row = next(r for r in rows if r["id"] == mixed.pk)
        assert HIDDEN not in str(row)


def test_it_staff_who_review_unverified_organisations_see_them(mixed, api_as, secretariat, client):
    body = api_as(secretariat).get(f"{LIST}{mixed.pk}/").json()
    assert HIDDEN in [p["organisation"]["name"] for p in body["participants"]]
    client.force_login(secretariat)
    assert HIDDEN in client.get(mixed.get_absolute_url()).content.decode()


def test_it_a_member_cannot_list_an_organisation_they_cannot_see(unverified, org, make_user, api_as):
    member = make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos"))
    with pytest.raises(ValidationError) as caught:
        services.partnership_create(
            actor=member,
            title="Med en skjult deltager",
            participants=[
                ParticipantInput(organisation=org("grundfos")),
                ParticipantInput(organisation=unverified),
            ],
        )
    assert list(caught.value.message_dict) == ["participants"]
    assert not Partnership.objects.filter(title="Med en skjult deltager").exists()
    response = api_as(member).post(
        LIST,
        {
            "title": "Med en skjult deltager",
            "participants": [{"organisation": org("grundfos").pk}, {"organisation": unverified.pk}],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "participants" in response.json()["errors"]
    assert not Partnership.objects.filter(title="Med en skjult deltager").exists()


def test_it_a_member_cannot_add_an_organisation_they_cannot_see(unverified, org, make_user, secretariat):
    member = make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos"))
    partnership = services.partnership_create(
        actor=secretariat,
        title="Synligt partnerskab",
        participants=[ParticipantInput(organisation=org("grundfos"))],
    )
    with pytest.raises(ValidationError) as caught:
        services.partnership_update(
            actor=member,
            partnership=partnership,
            participants=[
                ParticipantInput(organisation=org("grundfos")),
                ParticipantInput(organisation=unverified),
            ],
        )
    assert "participants" in caught.value.message_dict
    assert list(partnership.participants.values_list("organisation_id", flat=True)) == [org("grundfos").pk]


def test_it_staff_may_list_an_unverified_organisation(unverified, org, secretariat):
    partnership = services.partnership_create(
        actor=secretariat,
        title="Sekretariatets partnerskab",
        participants=[
            ParticipantInput(organisation=org("grundfos")),
            ParticipantInput(organisation=unverified),
        ],
    )
    assert partnership.participants.count() == 2
