"""Issue 13 §3, one path for every rule: the crisis rules that only the web pages (or only the
callers) enforced now live in the services, so the web, the API and the command line agree –
an offer to an expired need, the offerer's private token, and the "my offers" link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from videnbro.core.errors import NotFoundError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.crisis import services
from videnbro.crisis.models import Need, Offer
from videnbro.crisis.signing import offer_token

from .factories import offer_data

pytestmark = pytest.mark.regression


def expire(need: Need) -> Need:
    Need.objects.filter(pk=need.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    need.refresh_from_db()
    return need


# ---------------------------------------------------------------------------------------------
# An offer to an expired need (refused by the web page, accepted by POST /api/v1/offers/)


def test_it_refuses_an_offer_to_an_expired_need_through_the_api(api, need):
    expire(need)
    response = api.post("/api/v1/offers/", offer_data(need=need.pk), format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["need"]
    assert not Offer.objects.exists()


def test_it_refuses_an_offer_to_an_expired_need_in_the_service(need):
    expire(need)
    with pytest.raises(ValidationError) as raised:
        services.offer_submit(data=offer_data(need=need.pk))
    assert list(raised.value.message_dict) == ["need"]
    assert not Offer.objects.exists()


def test_it_still_takes_an_offer_to_a_need_that_has_not_expired(api, need):
    response = api.post("/api/v1/offers/", offer_data(need=need.pk), format="json")
    assert response.status_code == 201, response.content
    assert Offer.objects.get().need_id == need.pk


# ---------------------------------------------------------------------------------------------
# The offerer's token, checked by the services themselves


def test_it_withdraws_only_with_the_offerers_token(submit):
    offer = submit()
    with pytest.raises(NotFoundError):
        services.offer_withdraw(offer=offer, token="0" * 32)
    with pytest.raises(PermissionDeniedError):
        services.offer_withdraw(offer=offer, token=None)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.NEW
    withdrawn = services.offer_withdraw(offer=offer, token=offer_token(offer))
    assert withdrawn.status == Offer.Status.WITHDRAWN


def test_it_updates_only_with_the_offerers_token(submit):
    offer = submit(quantity="10")
    with pytest.raises(NotFoundError):
        services.offer_update_by_offerer(offer=offer, token="0" * 32, data={"quantity": "20"})
    with pytest.raises(PermissionDeniedError):
        services.offer_update_by_offerer(offer=offer, token="", data={"quantity": "20"})
    assert Offer.objects.get(pk=offer.pk).quantity == 10
    updated = services.offer_update_by_offerer(offer=offer, token=offer_token(offer), data={"quantity": "20"})
    assert updated.quantity == 20


def test_it_answers_404_for_a_wrong_token_and_403_for_staff_through_the_api(
    api, api_as, routed_offer, rh_staff
):
    url = f"/api/v1/offers/{routed_offer.pk}/"
    assert api.patch(f"{url}?token={'0' * 32}", {"quantity": "1"}, format="json").status_code == 404
    assert api_as(rh_staff).patch(url, {"quantity": "1"}, format="json").status_code == 403
    assert api.post(f"{url}withdraw/?token={'0' * 32}", {}, format="json").status_code == 404
    assert api_as(rh_staff).post(f"{url}withdraw/", {}, format="json").status_code == 403
    token = offer_token(routed_offer)
    assert api.post(f"{url}withdraw/?token={token}", {}, format="json").status_code == 200


# ---------------------------------------------------------------------------------------------
# "My offers": the link to all of one address's offers


def test_it_sends_the_my_offers_link_with_an_audit_row_without_the_address(submit, run_tasks):
    first = submit(contact_email="Ole@Plast.example")
    second = submit(contact_email="ole@plast.example")
    submit(contact_email="anden@plast.example")
    mail.outbox.clear()
    sent = services.offer_links_send(email="OLE@plast.example")
    assert sent == 2
    run_tasks()
    assert [m.to for m in mail.outbox] == [["OLE@plast.example"]]
    link = mail.outbox[0].body.split(": ", 1)[1].strip()
    assert "/krise/mine-tilbud/" in link
    row = AuditLog.objects.get(action="crisis.offer.links_sent")
    assert "plast.example" not in str(row.data).lower()
    assert sorted(row.data["references"]) == sorted([first.reference, second.reference])


def test_it_sends_nothing_for_an_address_without_offers(submit, run_tasks):
    submit(contact_email="ole@plast.example")
    mail.outbox.clear()
    assert services.offer_links_send(email="ingen@plast.example") == 0
    run_tasks()
    assert mail.outbox == []
    assert not AuditLog.objects.filter(action="crisis.offer.links_sent").exists()


def test_it_refuses_an_invalid_address_for_the_my_offers_link(db):
    with pytest.raises(ValidationError) as raised:
        services.offer_links_send(email="ikke en adresse")
    assert list(raised.value.message_dict) == ["email"]


def test_it_mails_the_my_offers_link_from_the_page_and_the_link_lists_the_offers(client, submit, run_tasks):
    offer = submit(contact_email="ole@plast.example")
    submit(contact_email="anden@plast.example")
    mail.outbox.clear()
    response = client.post(reverse("crisis:my_offers"), {"email": "ole@plast.example"})
    assert response.status_code == 200
    assert response.context["sent"] is True
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ole@plast.example"]]
    assert AuditLog.objects.filter(action="crisis.offer.links_sent").count() == 1
    link = mail.outbox[0].body.split(": ", 1)[1].strip()
    listing = client.get(urlparse(link).path)
    assert listing.status_code == 200
    assert [o.reference for o, _path in listing.context["offers"]] == [offer.reference]


def test_it_says_sent_for_an_unknown_address_without_mailing(client, db, run_tasks):
    response = client.post(reverse("crisis:my_offers"), {"email": "ingen@plast.example"})
    assert response.status_code == 200
    assert response.context["sent"] is True
    run_tasks()
    assert mail.outbox == []
