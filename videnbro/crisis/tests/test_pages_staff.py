"""Page tests of the authority's pages (issue 13 §5): declaring incidents, posting and moving
needs, contacting volunteers, the offer inbox with its bulk actions, an offer's triage page,
the exports and the three-frame capacity overview – status per role (anonymous is sent to the
sign-in, a member without an authority gets 403, another authority does not see what is routed
elsewhere), what staff read, and never a raw code."""

from __future__ import annotations

import pytest
from django.core import mail

from videnbro.crisis import services
from videnbro.crisis.models import Incident, Need, Offer, VolunteerContact

pytestmark = pytest.mark.django_db


def signs_in(response) -> bool:
    from django.urls import reverse

    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "path",
    [
        "/krise/haendelser/ny/",
        "/krise/behov/ny/",
        "/krise/indbakke/",
        "/krise/kapacitet/",
        "/krise/kapacitet/figur.svg",
    ],
)
def test_it_sends_the_anonymous_to_sign_in_and_refuses_members(client, client_as, member, path):
    assert signs_in(client.get(path)), path
    assert client_as(member).get(path).status_code == 403, path


def test_it_declares_an_incident_from_the_form(client_as, page_text, rh_staff):
    client = client_as(rh_staff)
    assert "Erklær en hændelse" in page_text(client.get("/krise/haendelser/ny/"))
    response = client.post(
        "/krise/haendelser/ny/",
        {"title": "Oversvømmelse i Køge", "kind": "weather", "regions": ["sjaelland"]},
        follow=True,
    )
    text = page_text(response)
    assert "Hændelsen er erklæret" in text and "Oversvømmelse i Køge" in text and "Ekstremt vejr" in text
    assert Incident.objects.get(title="Oversvømmelse i Køge").status == Incident.Status.DECLARED


def test_it_moves_an_incident_for_its_authority_only(client_as, page_text, incident, rh_staff, member):
    path = f"/krise/haendelser/{incident.key}/status/"
    assert client_as(member).post(path, {"to": "stood_down"}).status_code == 403
    response = client_as(rh_staff).post(path, {"to": "stood_down"}, follow=True)
    assert "Hændelsens status er ændret" in page_text(response)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.STOOD_DOWN


def test_it_posts_a_need_from_the_form(client_as, page_text, incident, rh_staff):
    client = client_as(rh_staff)
    text = page_text(client.get(f"/krise/behov/ny/?incident={incident.key}"))
    assert "Nyt behov" in text and "Oplysninger et tilbud skal give" in text
    response = client.post(
        "/krise/behov/ny/",
        {
            "incident": incident.pk,
            "title": "Handsker til hjemmeplejen",
            "item": "gloves",
            "quantity": "10000",
            "unit": "par",
            "per_period": "week",
            "priority": "critical",
            "valid_days": "7",
            "publish": "on",
        },
        follow=True,
    )
    text = page_text(response)
    assert "Behovet er oprettet" in text and "Handsker til hjemmeplejen" in text
    assert "Kritisk" in text and "pr. uge" in text
    assert Need.objects.get(title="Handsker til hjemmeplejen").owner == rh_staff.organisation


def test_it_exports_the_needs_as_named_files(client, need):
    response = client.get("/krise/behov/eksport.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="behov')
    assert need.title in response.content.decode()
    assert client.get("/krise/behov/eksport.hxl.csv").status_code == 200
    assert client.get("/krise/behov/eksport.pdf").status_code == 404
    assert client.get("/krise/behov/eksport.csv?status=nothing").status_code == 400


def test_it_closes_and_confirms_a_need_for_its_owner_only(client_as, page_text, need, rh_staff, sst_staff):
    path = f"/krise/behov/{need.pk}/status/"
    assert client_as(sst_staff).post(path, {"to": "closed"}).status_code == 403
    owner = client_as(rh_staff)
    assert "Behovet er bekræftet" in page_text(owner.post(path, {"to": "confirm", "days": "14"}, follow=True))
    response = owner.post(path, {"to": "closed"}, follow=True)
    assert "Behovets status er ændret" in page_text(response) and "Lukket" in page_text(response)
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED


def test_it_contacts_a_volunteer_through_the_platform(client_as, page_text, make_need, rh_staff, run_tasks):
    volunteer, _created = services.volunteer_register(
        data={
            "name": "Karen Hansen",
            "email": "karen@example.org",
            "skills": ["nurse"],
            "has_danish_authorisation": True,
            "municipality": "101",
            "travel_radius_km": "30",
            "consent": True,
        }
    )
    need = make_need(title="Sygeplejersker til vaccination", item="staff", skills=["nurse"], unit="personer")
    client = client_as(rh_staff)
    detail = page_text(client.get(f"/krise/behov/{need.pk}/"))
    assert volunteer.reference in detail and "Sygeplejerske" in detail
    mail.outbox.clear()
    response = client.post(
        f"/krise/behov/{need.pk}/frivillige/{volunteer.pk}/kontakt/",
        {"message": "Kan du tage vagter i uge 12?"},
        follow=True,
    )
    assert "Beskeden er sendt til den frivillige" in page_text(response)
    assert VolunteerContact.objects.filter(volunteer=volunteer, need=need).exists()
    run_tasks()
    assert [m.to for m in mail.outbox] == [["karen@example.org"]]
    assert "karen@example.org" not in detail  # the authority never sees the address


def test_it_shows_the_inbox_with_statuses_by_name(staff_client, page_text, routed_offer):
    text = page_text(staff_client.get("/krise/indbakke/"))
    assert "Indbakke med tilbud" in text and routed_offer.reference in text
    assert "Ny" in text and "Produktion af værnemidler/håndsprit" in text


def test_it_shows_another_authority_no_offer_routed_elsewhere(client_as, page_text, routed_offer, sst_staff):
    client = client_as(sst_staff)
    assert routed_offer.reference not in page_text(client.get("/krise/indbakke/"))
    assert client.get(f"/krise/tilbud/{routed_offer.pk}/").status_code == 404


def test_it_pins_the_query_count_of_the_inbox(staff_client, need, processed, django_assert_max_num_queries):
    for n in range(5):
        processed(title=f"Visirer parti {n}", contact_email=f"parti{n}@plast.example")
    with django_assert_max_num_queries(14):
        response = staff_client.get("/krise/indbakke/?ordering=newest")
    assert response.status_code == 200
    assert response.content.decode().count('name="offer"') >= 5


def test_it_moves_the_chosen_offers_with_a_bulk_action(staff_client, page_text, need, processed):
    first = processed(title="Visirer parti A")
    second = processed(title="Visirer parti B")
    response = staff_client.post(
        "/krise/indbakke/handling/",
        {"offer": [first.pk, second.pk], "to": "in_review", "query": "ordering=newest"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/krise/indbakke/?ordering=newest")
    text = page_text(staff_client.get(response["Location"]))
    assert "2 tilbud er ændret til »Under vurdering«" in text
    for offer in (first, second):
        offer.refresh_from_db()
        assert offer.status == Offer.Status.IN_REVIEW


def test_it_reports_each_offer_a_bulk_action_cannot_move(staff_client, page_text, need, processed):
    offer = processed(title="Visirer parti C")
    response = staff_client.post(
        "/krise/indbakke/handling/", {"offer": [offer.pk], "to": "fulfilled"}, follow=True
    )
    text = page_text(response)
    assert offer.reference in text  # the warning names the offer that stayed
    offer.refresh_from_db()
    assert offer.status == Offer.Status.NEW


def test_it_asks_for_offers_and_an_action_in_the_bulk_form(
    staff_client, page_text, routed_offer, client_as, member
):
    response = staff_client.post("/krise/indbakke/handling/", {"to": "in_review"}, follow=True)
    assert "Vælg tilbud og en handling" in page_text(response)
    assert (
        client_as(member)
        .post("/krise/indbakke/handling/", {"offer": [routed_offer.pk], "to": "declined"})
        .status_code
        == 403
    )
    routed_offer.refresh_from_db()
    assert routed_offer.status == Offer.Status.NEW


def test_it_leaves_offers_of_another_inbox_alone_in_a_bulk_action(client_as, routed_offer, sst_staff):
    response = client_as(sst_staff).post(
        "/krise/indbakke/handling/", {"offer": [routed_offer.pk], "to": "in_review"}
    )
    assert response.status_code == 302
    routed_offer.refresh_from_db()
    assert routed_offer.status == Offer.Status.NEW


def test_it_exports_the_inbox_for_authorities_only(staff_client, routed_offer):
    from django.test import Client

    assert Client().get("/krise/tilbud/eksport.csv").status_code == 403
    response = staff_client.get("/krise/tilbud/eksport.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tilbud')
    assert staff_client.get("/krise/tilbud/eksport.hxl.csv").status_code == 200
    assert staff_client.get("/krise/tilbud/eksport.doc").status_code == 404


def test_it_shows_an_offer_for_triage_with_its_trail_by_name(staff_client, page_text, routed_offer, rh_staff):
    services.offer_transition(actor=rh_staff, offer=routed_offer, to="in_review")
    text = page_text(staff_client.get(f"/krise/tilbud/{routed_offer.pk}/"))
    assert routed_offer.reference in text and "Under vurdering" in text
    assert "Ny → Under vurdering" in text  # the trail names the statuses
    assert "Accepteret" in text  # a button for the next status
    assert routed_offer.contact_email in text  # routed here: staff see the contact


def test_it_triages_an_offer_from_its_page(staff_client, page_text, routed_offer):
    path = f"/krise/tilbud/{routed_offer.pk}/handling/"
    response = staff_client.post(
        path, {"action": "ask", "note": "Hvilken standard opfylder visirerne?"}, follow=True
    )
    assert "Spørgsmålet er sendt til tilbudsgiveren" in page_text(response)
    routed_offer.refresh_from_db()
    assert routed_offer.status == Offer.Status.NEEDS_INFORMATION
    response = staff_client.post(path, {"to": "accepted"}, follow=True)
    assert "Tilbuddets status er ændret" in page_text(response)
    routed_offer.refresh_from_db()
    assert routed_offer.status == Offer.Status.ACCEPTED


def test_it_claims_an_unrouted_offer_into_the_inbox(client_as, page_text, unrouted_offer, sst_staff):
    client = client_as(sst_staff)
    assert unrouted_offer.reference in page_text(client.get("/krise/indbakke/?routed=unrouted"))
    response = client.post(f"/krise/tilbud/{unrouted_offer.pk}/handling/", {"action": "claim"}, follow=True)
    assert "Tilbuddet er nu i jeres indbakke" in page_text(response)
    unrouted_offer.refresh_from_db()
    assert unrouted_offer.routed_to == sst_staff.organisation


def test_it_shows_the_three_frames_for_an_item(staff_client, page_text, need):
    text = page_text(staff_client.get("/krise/kapacitet/?item=visors"))
    assert "Kapacitet i tre rammer" in text
    assert "Egne kapaciteter" in text and "Strategiske partnere" in text
    response = staff_client.get("/krise/kapacitet/figur.svg?item=visors")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert staff_client.get("/krise/kapacitet/figur.gif?item=visors").status_code == 404
