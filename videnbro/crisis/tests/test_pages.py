"""The public pages in Danish and English, and the offer form without JavaScript."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "danish", "english"),
    [
        ("/krise/", "Krisens fælles indgang", "Crisis front door"),
        ("/krise/tilbyd/", "Tilbyd hjælp", "Offer help"),
        ("/krise/frivillig/", "Meld dig som frivillig", "Register as a volunteer"),
        ("/krise/behov/", "Behov", "Needs"),
    ],
)
def test_it_public_pages_in_both_languages(client, seeded, path, danish, english):
    da = client.get(path)
    assert da.status_code == 200 and danish in da.content.decode()
    en = client.get("/en" + path)
    assert en.status_code == 200 and english in en.content.decode()
    assert 'lang="en"' in en.content.decode()


def test_it_the_offer_form_posts_without_javascript_and_answers_with_a_receipt(client, seeded):
    from videnbro.crisis.models import Offer

    page = client.get("/krise/tilbyd/").content.decode()
    assert 'method="post"' in page and 'name="submission_key"' in page
    response = client.post(
        "/krise/tilbyd/",
        {
            "offerer_name": "Dansk Røde Kors",
            "contact_email": "beredskab@example.org",
            "title": "Frivillige til vaccinationscentre",
            "submission_key": "form-key-1",
            "description": "Vi kan stille 40 frivillige værter til rådighed pr. uge.",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(idempotency_key="form-key-1")
    assert response["Location"].startswith(f"/krise/tilbud/status/{offer.reference}/")
    # A double click sends the same form again: still one offer, the same receipt.
    again = client.post(
        "/krise/tilbyd/",
        {
            "offerer_name": "Dansk Røde Kors",
            "contact_email": "beredskab@example.org",
            "title": "Frivillige til vaccinationscentre",
            "submission_key": "form-key-1",
            "description": "Vi kan stille 40 frivillige værter til rådighed pr. uge.",
        },
    )
    assert again["Location"] == response["Location"]
    assert Offer.objects.filter(idempotency_key="form-key-1").count() == 1
    receipt = client.get(response["Location"]).content.decode()
    assert offer.reference in receipt
