"""Offers that claim a known organisation (issue 12, finding 5) and what an offer may write to
the public registry (finding 6): a CVR or name match whose name or contact the organisation has
not confirmed is an unverified claim – flagged to triage, never attributed, shown or counted as
the organisation until staff confirm it; an unknown offerer becomes a staff-only record."""

from __future__ import annotations

import pytest
from django.utils import translation

from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.crisis import services
from videnbro.crisis.models import Offer
from videnbro.crisis.report import evaluate
from videnbro.registry.selectors import key_figures

COPCAP_CVR = "17538896"  # Copenhagen Capacity in registry/seed_data/organisations.seeds.csv
PAYLOAD = '=HYPERLINK("http://evil.example","Klik")'


@pytest.fixture
def impostor(need, processed):
    """The issue's case: a stranger's name and address with Copenhagen Capacity's CVR."""
    offer = processed(
        offerer_name="Jens Hansen Handel",
        offerer_cvr=COPCAP_CVR,
        contact_name="Jens Hansen",
        contact_email="jens.hansen@mail.example",
    )
    assert offer.routed_to_id == need.owner_id
    return offer


@pytest.mark.regression
def test_it_a_stranger_with_a_known_cvr_is_only_a_claim(impostor, org, rh_staff, client, api_as):
    copcap = org("copenhagen-capacity")
    assert impostor.organisation is None  # never attributed to the verified organisation
    assert impostor.resolution == Offer.Resolution.CLAIM
    assert impostor.claimed_organisation == copcap and impostor.has_unverified_claim
    assert set(impostor.claim_reasons) == {"name_differs", "contact_unconfirmed"}
    assert "Copenhagen Capacity" in impostor.events.get(kind="processed").note
    assert not copcap.crisis_offers.exists()
    # Flagged in the inbox and on the offer page, with the reasons, in both languages.
    client.force_login(rh_staff)
    inbox = client.get("/krise/indbakke/").content.decode()
    assert 'data-testid="claim-flag"' in inbox and "påstår at være Copenhagen Capacity" in inbox
    page = client.get(f"/krise/tilbud/{impostor.pk}/").content.decode()
    assert 'data-testid="claim"' in page and "navnet svarer ikke til registrets" in page
    assert 'data-testid="confirm-claim"' in page
    page_en = client.get(f"/en/krise/tilbud/{impostor.pk}/").content.decode()
    assert "the name does not match the registry" in page_en
    body = api_as(rh_staff).get(f"/api/v1/offers/{impostor.pk}/").json()
    assert body["organisation"] is None
    assert body["claim"]["organisation"]["id"] == copcap.pk
    assert body["claim"]["confirmed"] is False


def test_it_the_right_name_from_an_unconfirmed_address_is_a_claim(need, processed, org):
    offer = processed(
        offerer_name="Copenhagen Capacity", offerer_cvr=COPCAP_CVR, contact_email="ceo.copcap@mail.example"
    )
    assert offer.organisation is None
    assert offer.claimed_organisation == org("copenhagen-capacity")
    assert offer.claim_reasons == ["contact_unconfirmed"]


def test_it_another_name_from_the_organisations_domain_is_a_claim(need, processed, org):
    offer = processed(
        offerer_name="Helt Andet Firma", offerer_cvr=COPCAP_CVR, contact_email="info@copcap.com"
    )
    assert offer.organisation is None
    assert offer.claim_reasons == ["name_differs", "contact_domain_only"]


def test_it_a_spelling_variant_from_a_registered_contact_is_attributed(need, processed, org):
    from videnbro.core.audit import SYSTEM
    from videnbro.registry.services import contact_add

    copcap = org("copenhagen-capacity")
    contact_add(actor=SYSTEM, organisation=copcap, name="Indkøb", email="indkob@partner.example")
    offer = processed(
        offerer_name="copenhagen capacity a/s", offerer_cvr=COPCAP_CVR, contact_email="Indkob@Partner.example"
    )
    assert offer.organisation == copcap and offer.resolution == Offer.Resolution.CVR
    assert not offer.has_unverified_claim


def test_it_a_known_name_alone_from_a_stranger_is_a_claim(need, processed, org):
    offer = processed(offerer_name="Statens Serum Institut", contact_email="x@mail.example")
    assert offer.organisation is None
    assert offer.claimed_organisation == org("statens-serum-institut")
    assert offer.claim_reasons == ["contact_unconfirmed"]


def test_it_staff_confirm_a_claim_which_then_attributes_the_offer(impostor, rh_staff, sst_staff, member, org):
    for outsider in (sst_staff, member):
        with pytest.raises(PermissionDeniedError):
            services.offer_confirm_claim(actor=outsider, offer=impostor)
    impostor.refresh_from_db()
    assert impostor.organisation is None
    offer = services.offer_confirm_claim(actor=rh_staff, offer=impostor)
    assert offer.organisation == org("copenhagen-capacity")
    assert offer.resolution == Offer.Resolution.CVR and not offer.has_unverified_claim
    assert offer.claim_confirmed_by == rh_staff
    assert offer.events.filter(kind="claim_confirmed").exists()
    assert AuditLog.objects.filter(
        action="crisis.offer.claim_confirmed", object_id=str(offer.pk), actor=rh_staff
    ).exists()
    with pytest.raises(ConflictError):
        services.offer_confirm_claim(actor=rh_staff, offer=offer)


def test_it_the_confirm_claim_api_action_per_role(impostor, api, api_as, rh_staff, sst_staff):
    url = f"/api/v1/offers/{impostor.pk}/confirm-claim/"
    assert api.post(url).status_code in (401, 403, 404)
    assert api_as(sst_staff).post(url).status_code in (403, 404)
    response = api_as(rh_staff).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["organisation"]["name"] == "Copenhagen Capacity"
    assert response.json()["claim"]["confirmed"] is True
    again = api_as(rh_staff).post(url)
    assert again.status_code == 409 and "errors" in again.json()


def test_it_the_confirm_claim_button_on_the_offer_page(impostor, client, rh_staff, org):
    client.force_login(rh_staff)
    response = client.post(f"/krise/tilbud/{impostor.pk}/handling/", {"action": "confirm_claim"})
    assert response.status_code == 302
    impostor.refresh_from_db()
    assert impostor.organisation == org("copenhagen-capacity")


def test_it_an_unconfirmed_claim_is_not_counted_in_the_evaluation(impostor, rh_staff):
    services.offer_transition(actor=rh_staff, offer=impostor, to="in_review")
    services.offer_transition(actor=rh_staff, offer=impostor, to="accepted")
    names = [name for name, _n, _k in evaluate(impostor.incident).top_organisations]
    assert "Copenhagen Capacity" not in names
    assert "Ikke verificerede tilbudsgivere" in names


@pytest.mark.regression
def test_it_an_unknown_offerer_stays_out_of_the_public_registry(need, processed, rh_staff, api, client):
    """Finding 6: names like "0" and a formula became public organisations."""
    figures = key_figures()
    offers = [
        processed(offerer_name=name, contact_email=f"a{i}@mail.example")
        for i, name in enumerate(("0", PAYLOAD))
    ]
    for offer in offers:
        assert offer.organisation is not None and offer.organisation.is_verified is False
        assert api.get(f"/api/v1/organisations/{offer.organisation.pk}/").status_code == 404
    names = [row["name"] for row in api.get("/api/v1/organisations/").json()["results"]]
    assert "0" not in names and PAYLOAD not in names
    assert key_figures() == figures
    for offer in offers:
        services.offer_transition(actor=rh_staff, offer=offer, to="in_review")
        services.offer_transition(actor=rh_staff, offer=offer, to="accepted")
    incident = offers[0].incident
    names = [name for name, _n, _k in evaluate(incident).top_organisations]
    assert "0" not in names and PAYLOAD not in names
    page = client.get(f"/krise/haendelser/{incident.key}/evaluering/").content.decode()
    assert "HYPERLINK" not in page


@pytest.mark.parametrize("path", ["/krise/tilbyd/", "/krise/frivillig/"])
def test_it_the_forms_say_what_is_kept_and_who_sees_it(path, client, seeded):
    page = client.get(path).content.decode()
    assert "Det gemmer vi" in page
    with translation.override("en"):
        page_en = client.get("/en" + path).content.decode()
    assert "What we keep" in page_en
