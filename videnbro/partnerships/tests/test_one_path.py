"""Issue 13 §3: the rules of a partnership live in the services, so the web form, the API, the
seed loader and the command line cannot disagree."""

import pytest

from videnbro.core.audit import SYSTEM
from videnbro.partnerships import services
from videnbro.partnerships.models import Partnership


def detail_url(partnership: Partnership) -> str:
    return f"/api/v1/partnerships/{partnership.pk}/"


@pytest.mark.regression
def test_it_refuses_an_api_patch_that_changes_a_cbs_partnerships_partner_type(cbs, api_as, secretariat):
    number_54 = cbs(54)
    before = number_54.partner_type
    response = api_as(secretariat).patch(
        detail_url(number_54), {"partner_type": "civil_society"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "partner_type" in response.json()["errors"]
    assert cbs(54).partner_type == before


@pytest.mark.regression
def test_it_refuses_an_api_patch_that_changes_a_cbs_partnerships_focus_area(cbs, api_as, secretariat):
    number_54 = cbs(54)
    before = number_54.focus_area
    other = "health_communication" if before != "health_communication" else "contact_tracing"
    response = api_as(secretariat).patch(detail_url(number_54), {"focus_area": other}, format="json")
    assert response.status_code == 400, response.content
    assert "focus_area" in response.json()["errors"]
    assert cbs(54).focus_area == before


def test_it_lets_an_api_patch_resend_a_cbs_partnerships_own_coding(cbs, api_as, secretariat):
    number_54 = cbs(54)
    response = api_as(secretariat).patch(
        detail_url(number_54),
        {"focus_area": number_54.focus_area, "title": number_54.title + " (rettet)"},
        format="json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.regression
def test_it_classifies_the_focus_area_in_the_service_so_every_caller_gets_it(seeded):
    partnership = services.partnership_create(
        actor=SYSTEM,
        title="Værnemidler til plejehjem",
        description="Virksomheder syr mundbind og visirer og leverer værnemidler til plejehjem og hospitaler.",
    )
    assert partnership.focus_area, "partnership_create left the focus area empty"


def test_it_keeps_an_explicit_focus_area(seeded):
    partnership = services.partnership_create(
        actor=SYSTEM,
        title="Værnemidler til plejehjem",
        description="Virksomheder syr mundbind og visirer og leverer værnemidler til plejehjem og hospitaler.",
        focus_area="health_communication",
    )
    assert partnership.focus_area == "health_communication"
