"""Test data for the crisis tests: valid form input for needs and offers, valid CVR numbers."""

from __future__ import annotations

import itertools
from urllib.parse import urlparse

from videnbro.crisis.models import Incident

_numbers = itertools.count(1)
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def need_data(incident: Incident, **overrides) -> dict:
    data = {
        "incident": incident.pk,
        "title": "Visirer til akutmodtagelser",
        "description": "Ansigtsvisirer til personale i akutmodtagelsen.",
        "item": "visors",
        "quantity": "5000",
        "unit": "stk.",
        "per_period": "total",
        "priority": "high",
        "valid_days": "7",
        "publish": True,
        "requirements": [],
    }
    data.update(overrides)
    return data


def offer_data(**overrides) -> dict:
    """A valid offer as the API takes it; each call has its own contact address, so offers are
    not each other's duplicates unless a test makes them so. A None override drops the field."""
    number = next(_numbers)
    data = {
        "offerer_name": "Sønderjysk Plastindustri ApS",
        "contact_email": f"kontakt{number}@plast.example",
        "title": "Ansigtsvisirer fra egen produktion",
        "description": "Vi kan producere 3.000 visirer om dagen i klar plast.",
        "quantity": "3000",
        "unit": "stk.",
        "per_period": "day",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def valid_cvr(start: int = 3000000) -> str:
    """The first 8-digit number from `start`·10 whose CVR check digit (modulus 11) fits."""
    for head in itertools.count(start):
        digits = [int(d) for d in f"{head:07d}"]
        last = -sum(d * w for d, w in zip(digits, CVR_WEIGHTS, strict=False)) % 11
        if last < 10:
            return f"{head:07d}{last}"
    raise AssertionError("unreachable")  # pragma: no cover


def status_token(status_url: str) -> str:
    """The private token: the last segment of …/status/<reference>/<token>/."""
    return urlparse(status_url).path.rstrip("/").rsplit("/", 1)[1]
