"""Private links of the crisis front door, signed instead of stored.

An offer's status page and a volunteer's own page carry an HMAC of the record, so the link can
be given again on an idempotent retry without storing a secret. The "my offers" link carries the
e-mail address signed with a salt of its own and expires after seven days."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Offer, Volunteer

MY_OFFERS_SALT = "videnbro.crisis.my-offers"
MY_OFFERS_MAX_AGE = 7 * 24 * 3600


def _token(kind: str, pk: int, reference: str) -> str:
    return salted_hmac(f"videnbro.crisis.{kind}", f"{pk}:{reference}").hexdigest()[:32]


def offer_token(offer: Offer) -> str:
    return _token("offer", offer.pk, offer.reference)


def volunteer_token(volunteer: Volunteer) -> str:
    return _token("volunteer", volunteer.pk, volunteer.reference)


def check_offer_token(offer: Offer, token: str | None) -> bool:
    return bool(token) and constant_time_compare(offer_token(offer), str(token))


def check_volunteer_token(volunteer: Volunteer, token: str | None) -> bool:
    return bool(token) and constant_time_compare(volunteer_token(volunteer), str(token))


def offer_status_path(offer: Offer) -> str:
    return reverse("crisis:offer_status", kwargs={"reference": offer.reference, "token": offer_token(offer)})


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address in front of a path."""
    return settings.SITE_URL.rstrip("/") + path


def my_offers_path(email: str) -> str:
    """The page listing every offer given with `email` (compared without case)."""
    signed = signing.dumps(email.casefold(), salt=MY_OFFERS_SALT)
    return reverse("crisis:my_offers_list", kwargs={"signed": signed})


def my_offers_email(signed: str) -> str | None:
    """The address a "my offers" link was made for; None when forged or expired."""
    try:
        return str(signing.loads(signed, salt=MY_OFFERS_SALT, max_age=MY_OFFERS_MAX_AGE))
    except signing.BadSignature:
        return None
