"""Issue 12, review of the fixes: a website-domain address is no confirmation of a claimed
organisation (finding 5); a private offerer's name never stays in the offer's trail (personal
data); `days: true` and numbers as transition text are field errors, not guesses."""

from __future__ import annotations

import pytest

from videnbro.core.privacy import ERASED
from videnbro.crisis.models import Offer, OfferEvent
from videnbro.crisis.privacy import OfferContactProvider
from videnbro.registry.selectors import (
    contact_in_website_domain,
    contact_is_confirmed,
    email_domain,
    website_domain,
)

pytestmark = pytest.mark.regression

COPCAP_CVR = "17538896"  # Copenhagen Capacity, website https://www.copcap.com in the seed
PERSON = "Birthe Kragh Sørensen"


# ---------------------------------------------------------------------------------------------
# Finding 5: only a registered contact person confirms


def test_it_a_stranger_typing_an_address_in_the_organisations_domain_is_only_a_claim(
    need, processed, org, client, rh_staff
):
    copcap = org("copenhagen-capacity")
    offer = processed(
        offerer_name="Copenhagen Capacity", offerer_cvr=COPCAP_CVR, contact_email="info@copcap.com"
    )
    assert offer.organisation is None  # never attributed on a typed, unproven address
    assert offer.resolution == Offer.Resolution.CLAIM
    assert offer.claimed_organisation == copcap and offer.has_unverified_claim
    assert offer.claim_reasons == ["contact_domain_only"]
    assert not copcap.crisis_offers.exists()
    client.force_login(rh_staff)
    page = client.get(f"/krise/tilbud/{offer.pk}/").content.decode()
    assert "ligger i organisationens domæne, men er ikke en registreret kontaktperson" in page
    page_en = client.get(f"/en/krise/tilbud/{offer.pk}/").content.decode()
    assert "is in the organisation&#x27;s domain but is not a registered contact" in page_en


def test_it_only_a_registered_contacts_exact_address_is_confirmed(org):
    from videnbro.core.audit import SYSTEM
    from videnbro.registry.services import contact_add

    copcap = org("copenhagen-capacity")
    contact_add(actor=SYSTEM, organisation=copcap, name="Indkøb", email="indkob@copcap.com")
    assert contact_is_confirmed(copcap, "  Indkob@CopCap.com ")
    for typed in (
        "info@copcap.com",
        "indkob@eu.copcap.com",
        "indkob@copcap.com.evil.example",
        "",
        "copcap.com",
    ):
        assert not contact_is_confirmed(copcap, typed), typed
    assert contact_in_website_domain(copcap, "info@copcap.com")
    assert contact_in_website_domain(copcap, "x@eu.copcap.com")
    assert not contact_in_website_domain(copcap, "x@notcopcap.com")


def test_it_domains_compare_in_lower_case_and_idna():
    assert email_domain("a@Bøger.DK") == "xn--bger-gra.dk" == website_domain("https://www.BØGER.dk/")
    assert email_domain("a@EXAMPLE.com.") == "example.com"
    assert website_domain("https://WWW.Copcap.COM/en/") == "copcap.com"


# ---------------------------------------------------------------------------------------------
# Personal data: a private person's name in the PROCESSED note


def person_offer(processed):
    return processed(offerer_type="person", offerer_name=PERSON, contact_email="birthe@mail.example")


def test_it_processing_never_writes_a_private_offerers_name_into_the_trail(need, processed):
    offer = person_offer(processed)
    assert offer.offerer_type == Offer.OffererType.PERSON
    notes = " ".join(offer.events.values_list("note", flat=True))
    assert PERSON not in notes
    assert "Privatperson" in offer.events.get(kind=OfferEvent.Kind.PROCESSED).note


def test_it_erasure_and_retention_clear_a_name_an_old_processed_note_holds(need, processed):
    provider = OfferContactProvider()
    offers = [person_offer(processed) for _ in range(2)]
    for offer in offers:  # as processing wrote it before the fix
        offer.events.filter(kind=OfferEvent.Kind.PROCESSED).update(
            note=f"Kategori: Værnemidler. Tilbudsgiver: {PERSON} (Privatperson)."
        )
    exported = provider.export("birthe@mail.example")
    assert any(
        PERSON in event["note"] and event["kind"] == "processed"
        for record in exported
        for event in record["trail"]
    )
    provider.erase("Birthe@mail.example")
    for offer in offers:
        note = offer.events.get(kind=OfferEvent.Kind.PROCESSED).note
        assert PERSON not in note and ERASED in note and "Kategori" in note
    # Retention takes the same path.
    third = person_offer(processed)
    third.events.filter(kind=OfferEvent.Kind.PROCESSED).update(note=f"Tilbudsgiver: {PERSON}.")
    from videnbro.crisis.privacy import _clear_offer_contacts

    _clear_offer_contacts(Offer.objects.filter(pk=third.pk))
    assert PERSON not in third.events.get(kind=OfferEvent.Kind.PROCESSED).note


def test_it_an_organisations_name_stays_in_the_trail(need, processed):
    offer = processed()
    assert offer.offerer_name in offer.events.get(kind=OfferEvent.Kind.PROCESSED).note


# ---------------------------------------------------------------------------------------------
# Finding 7/8 follow-up: JSON types on confirm and transitions


@pytest.mark.parametrize("days", [True, False, 1.5, [7], {"n": 7}])
def test_it_confirming_a_need_refuses_a_non_integer_days(api_as, rh_staff, need, days):
    before = need.expires_at
    response = api_as(rh_staff).post(f"/api/v1/needs/{need.pk}/confirm/", {"days": days}, format="json")
    assert response.status_code == 400, response.content
    assert "days" in response.json()["errors"]
    need.refresh_from_db()
    assert need.expires_at == before


def test_it_confirming_a_need_takes_a_whole_number(api_as, rh_staff, need):
    client = api_as(rh_staff)
    assert client.post(f"/api/v1/needs/{need.pk}/confirm/", {"days": 14}, format="json").status_code == 200
    assert client.post(f"/api/v1/needs/{need.pk}/confirm/?days=14").status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [({"to": 5}, "to"), ({"to": ["fulfilled"]}, "to"), ({"to": "fulfilled", "note": 12}, "note")],
)
def test_it_a_transition_takes_text_only(api_as, rh_staff, need, body, field):
    response = api_as(rh_staff).post(f"/api/v1/needs/{need.pk}/transitions/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    need.refresh_from_db()
    assert need.status == "open"


def test_it_retention_scrubs_the_name_from_summaries_of_offers_erased_before_the_fix(need, processed):
    from django.utils import timezone

    from videnbro.core.audit import SYSTEM
    from videnbro.core.privacy import retention_apply

    offer = person_offer(processed)
    other = processed()  # an organisation's name stays
    old = (
        f"Kategori: Værnemidler. Tilbudsgiver: {PERSON} (Privatperson). "
        "Sendt til Region Hovedstaden (behov: Visirer)."
    )
    offer.events.filter(kind=OfferEvent.Kind.PROCESSED).update(note=old)
    english = f"Category: PPE. Offerer: {PERSON} (Private individual). Routed."
    OfferEvent.objects.create(offer=offer, kind=OfferEvent.Kind.PROCESSED, note=english)
    # As an erasure before the fix left it: the offer's name gone, the note untouched.
    Offer.objects.filter(pk=offer.pk).update(offerer_name=ERASED, contact_email="")
    retention_apply(actor=SYSTEM, now=timezone.now())
    notes = list(offer.events.filter(kind=OfferEvent.Kind.PROCESSED).values_list("note", flat=True))
    assert all(PERSON not in note and ERASED in note for note in notes), notes
    assert notes[0] == old.replace(PERSON, ERASED)
    fresh = other.events.get(kind=OfferEvent.Kind.PROCESSED).note
    assert other.offerer_name in fresh
