"""Page tests of what the public uses without an account (issue 13 §5): the front door, incidents
and their evaluation, needs, the offer form, the offerer's status page, "my offers" and the
volunteer sign-up – the status per role, what a person reads, and never a raw code."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from videnbro.crisis import signing
from videnbro.crisis.models import Need, Offer, Volunteer

pytestmark = pytest.mark.django_db


def test_it_shows_the_front_door_with_the_open_incident_and_its_needs(client, page_text, need):
    text = page_text(client.get("/krise/"))
    assert "Krisens fælles indgang" in text
    assert need.incident.title in text and "Aktiv" in text
    assert need.title in text


def test_it_pins_the_query_count_of_the_front_door(client, need, make_need, django_assert_max_num_queries):
    for n in range(5):
        make_need(title=f"Behov nummer {n}")
    with django_assert_max_num_queries(12):
        response = client.get("/krise/")
    assert response.status_code == 200


def test_it_shows_an_incident_with_its_status_and_kind_by_name(client, client_as, page_text, need, rh_staff):
    path = f"/krise/haendelser/{need.incident.key}/"
    public = page_text(client.get(path))
    assert need.incident.title in public and "Aktiv" in public and "Epidemi/pandemi" in public
    assert need.title in public
    assert "Afblæst" not in public  # no status buttons for the public
    staff = page_text(client_as(rh_staff).get(path))
    assert "Afblæst" in staff  # the responsible authority may stand it down
    assert client.get("/krise/haendelser/findes-ikke/").status_code == 404


def test_it_shows_the_evaluation_of_an_incident_to_anyone(client, page_text, routed_offer):
    incident = routed_offer.incident or routed_offer.matched_need.incident
    text = page_text(client.get(f"/krise/haendelser/{incident.key}/evaluering/"))
    assert f"Evaluering: {incident.title}" in text and "Tilbud modtaget" in text


def test_it_downloads_the_evaluation_as_a_named_workbook(client, incident):
    response = client.get(f"/krise/haendelser/{incident.key}/evaluering.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == f'attachment; filename="evaluering-{incident.key}.xlsx"'
    assert client.get(f"/krise/haendelser/{incident.key}/evaluering.doc").status_code == 404


def test_it_lists_open_needs_and_filters_them(client, page_text, need, make_need):
    make_need(title="Testkapacitet til plejehjem", item="test_capacity")
    text = page_text(client.get("/krise/behov/"))
    assert need.title in text and "Testkapacitet til plejehjem" in text
    assert "Visirer" in text and "Høj" in text  # item and priority by name
    only_tests = page_text(client.get("/krise/behov/?item=test_capacity"))
    assert "Testkapacitet til plejehjem" in only_tests and need.title not in only_tests
    # A filter value that does not exist shows no needs rather than an error.
    assert need.title not in page_text(client.get("/krise/behov/?item=nothing"))


def test_it_pins_the_query_count_of_the_need_list(client, make_need, django_assert_max_num_queries):
    for n in range(6):
        make_need(title=f"Behov nummer {n}")
    with django_assert_max_num_queries(10):
        response = client.get("/krise/behov/?status=open")
    assert response.status_code == 200


def test_it_shows_a_need_to_the_public_without_its_offers(
    client, client_as, page_text, routed_offer, rh_staff
):
    need = routed_offer.matched_need
    path = f"/krise/behov/{need.pk}/"
    public = page_text(client.get(path))
    assert need.title in public and "Åben" in public and "Giv et tilbud" in public
    assert routed_offer.reference not in public
    owner = page_text(client_as(rh_staff).get(path))
    assert routed_offer.reference in owner  # the owner sees the matching offers


def test_it_hides_a_draft_need_from_the_public(client, make_need):
    draft = make_need(publish=False)
    assert draft.status == Need.Status.DRAFT
    assert client.get(f"/krise/behov/{draft.pk}/").status_code == 404
    assert client.get(f"/krise/behov/{draft.pk}/tilbyd/").status_code == 404


def test_it_offers_to_a_need_with_the_fields_it_demands(client, page_text, make_need):
    need = make_need(requirements=["ce_marking"])
    text = page_text(client.get(f"/krise/behov/{need.pk}/tilbyd/"))
    assert f"Tilbud til: {need.title}" in text and "CE-mærket" in text
    response = client.post(
        f"/krise/behov/{need.pk}/tilbyd/",
        {
            "offerer_name": "Sønderjysk Plastindustri ApS",
            "contact_email": "salg@plast.example",
            "title": "Visirer",
            "description": "3.000 visirer om dagen.",
            "submission_key": "need-form-1",
        },
    )
    # Without the CE marking the need demands, the form comes back with the error.
    assert "Behovet kræver dette felt" in page_text(response)
    assert not Offer.objects.filter(idempotency_key="need-form-1").exists()


def test_it_shows_the_offer_form_errors_without_storing_anything(client, page_text):
    response = client.post("/krise/tilbyd/", {"offerer_name": "", "contact_email": "ikke-en-adresse"})
    text = page_text(response)
    assert "Tilbyd hjælp" in text and "Dette felt er påkrævet" in text
    assert not Offer.objects.exists()


def test_it_shows_the_offerer_the_status_by_name_with_the_private_link(client, page_text, offer_link, submit):
    offer = submit()
    text = page_text(client.get(offer_link(offer) + "?ny=1"))
    assert "Tak – tilbuddet er modtaget" in text and offer.reference in text and "Ny" in text
    wrong = offer_link(offer).rstrip("/").rsplit("/", 1)[0] + "/forkert-token/"
    assert client.get(wrong).status_code == 404


def test_it_lets_the_offerer_update_and_withdraw_with_the_link(client, page_text, offer_link, submit):
    offer = submit()
    link = offer_link(offer)
    response = client.post(link, {"quantity": "2500", "note": "Vi kan levere færre."}, follow=True)
    assert "Tak – tilbuddet er opdateret" in page_text(response)
    offer.refresh_from_db()
    assert offer.quantity == 2500
    response = client.post(link, {"action": "withdraw"}, follow=True)
    text = page_text(response)
    assert "Tilbuddet er trukket tilbage" in text and "Trukket tilbage" in text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_it_shows_the_offerer_the_trail_by_status_names(
    client, page_text, offer_link, routed_offer, rh_staff
):
    from videnbro.crisis import services

    services.offer_transition(actor=rh_staff, offer=routed_offer, to="in_review")
    text = page_text(client.get(offer_link(routed_offer)))
    assert "Status ændret: Under vurdering" in text


def test_it_sends_my_offers_link_only_to_the_address_and_lists_them(client, page_text, submit, run_tasks):
    first = submit(contact_email="beredskab@firma.example", title="Visirer fra lager")
    submit(contact_email="beredskab@firma.example", title="Handsker fra lager")
    submit(contact_email="en.anden@firma.example", title="Masker fra en anden")
    assert "Mine tilbud" in page_text(client.get("/krise/mine-tilbud/"))
    mail.outbox.clear()
    response = client.post("/krise/mine-tilbud/", {"email": "Beredskab@Firma.example"})
    assert "har vi sendt et link" in page_text(response)
    run_tasks()
    sent = [m for m in mail.outbox if "beredskab@firma.example" in [a.lower() for a in m.to]]
    assert len(sent) == 1
    link = re.search(r"https?://[^\s]+/krise/mine-tilbud/[^\s/]+/", sent[0].body).group(0)
    listing = page_text(client.get(link))
    assert "Visirer fra lager" in listing and "Handsker fra lager" in listing
    assert "Masker fra en anden" not in listing
    assert first.reference in listing and "Ny" in listing


def test_it_sends_no_mail_for_an_address_without_offers_but_answers_the_same(client, page_text, run_tasks):
    mail.outbox.clear()
    response = client.post("/krise/mine-tilbud/", {"email": "ingen@firma.example"})
    assert "har vi sendt et link" in page_text(response)  # nobody learns whether offers exist
    run_tasks()
    assert not mail.outbox


def test_it_refuses_a_forged_my_offers_link(client):
    assert client.get("/krise/mine-tilbud/forfalsket-link/").status_code == 404


def test_it_pins_the_query_count_of_my_offers(client, submit, run_tasks, django_assert_max_num_queries):
    for n in range(4):
        submit(contact_email="mange@firma.example", title=f"Tilbud {n}")
    mail.outbox.clear()
    client.post("/krise/mine-tilbud/", {"email": "mange@firma.example"})
    run_tasks()
    link = re.search(r"https?://[^\s]+/krise/mine-tilbud/[^\s/]+/", mail.outbox[-1].body).group(0)
    with django_assert_max_num_queries(6):
        response = client.get(link)
    assert response.status_code == 200


def test_it_registers_a_volunteer_and_shows_the_status_page(client, page_text):
    text = page_text(client.get("/krise/frivillig/"))
    assert "Meld dig som frivillig" in text and "Det gemmer vi" in text
    response = client.post(
        "/krise/frivillig/",
        {
            "name": "Karen Hansen",
            "email": "karen@example.org",
            "skills": ["nurse", "medical_student"],
            "has_danish_authorisation": "on",
            "municipality": "København",
            "travel_radius_km": "20",
            "consent": "on",
            "submission_key": "vol-page-1",
        },
    )
    assert response.status_code == 302
    status = page_text(client.get(response["Location"]))
    assert "Din tilmelding som frivillig" in status
    assert "Sygeplejerske" in status and "Medicin- eller sygeplejestuderende" in status


def test_it_withdraws_a_volunteer_with_the_link_and_refuses_a_wrong_one(client, page_text):
    client.post(
        "/krise/frivillig/",
        {
            "name": "Ole Jensen",
            "email": "ole@example.org",
            "skills": ["driver"],
            "municipality": "101",
            "travel_radius_km": "30",
            "consent": "on",
            "submission_key": "vol-page-2",
        },
    )
    volunteer = Volunteer.objects.get(idempotency_key="vol-page-2")
    assert client.get(f"/krise/frivillig/{volunteer.reference}/forkert/").status_code == 404

    path = f"/krise/frivillig/{volunteer.reference}/{signing.volunteer_token(volunteer)}/"
    response = client.post(path, {"action": "withdraw"}, follow=True)
    assert "Dit samtykke er trukket tilbage" in page_text(response)
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.WITHDRAWN and volunteer.name != "Ole Jensen"
