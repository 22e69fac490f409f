"""Fixtures for the crisis tests: authority staff of real seeded authorities and offers processed
by the worker. The active incident, its need, `submit()`, `rh_staff`, `staff_of` and
`run_tasks()` live in the root conftest (core's cross-app tests use them too), as does the reset
of the abuse-limit counters before every test."""

from __future__ import annotations

import pytest

from videnbro.accounts.models import Role
from videnbro.crisis import signing
from videnbro.crisis.models import Incident, Need, Offer

SST = "sundhedsstyrelsen"


@pytest.fixture
def sst_staff(staff_of):
    return staff_of(SST)


@pytest.fixture
def member(make_user, org):
    return make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos"))


@pytest.fixture
def processed(submit, run_tasks):
    """`processed(**fields)` – an offer submitted and processed by the worker."""

    def make(**overrides) -> Offer:
        offer = submit(**overrides)
        run_tasks()
        offer.refresh_from_db()
        return offer

    return make


@pytest.fixture
def routed_offer(need, processed) -> Offer:
    """An offer matched to Region Hovedstaden's visor need and routed to it."""
    offer = processed()
    assert offer.routed_to_id == need.owner_id, offer.match_reasons
    return offer


# ---------------------------------------------------------------------------------------------
# Page tests (issue 13 §5): clients per role and what a user reads on a page


def _raw_codes() -> set[str]:
    """Stored codes a user must never read on a page: the ones with an underscore cannot be
    mistaken for a word (statuses, kinds, items, skills, focus areas, requirements)."""
    from videnbro.crisis.models import IncidentKind, OfferEvent
    from videnbro.crisis.taxonomy import ITEM_CHOICES, REQUIREMENT_CHOICES, Skill
    from videnbro.partnerships.taxonomy import FocusArea

    codes = [
        *Incident.Status.values,
        *IncidentKind.values,
        *Need.Status.values,
        *Offer.Status.values,
        *Offer.Resolution.values,
        *OfferEvent.Kind.values,
        *Skill.values,
        *FocusArea.values,
        *(code for code, _label in ITEM_CHOICES),
        *(code for code, _label in REQUIREMENT_CHOICES),
    ]
    return {code for code in codes if "_" in code}


@pytest.fixture
def page_text():
    """`page_text(response, status=200)` – the text a person reads on the page (no tags, no
    attributes, no scripts), after asserting the status and that no raw code is shown."""
    import re
    from html import unescape

    raw = _raw_codes()

    def read(response, status: int = 200) -> str:
        assert response.status_code == status, (response.status_code, response.content[:500])
        html = response.content.decode()
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        shown = sorted(code for code in raw if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/.-])", text))
        assert not shown, f"raw codes on the page: {shown}"
        return text

    return read


@pytest.fixture
def client_as(client):
    """`client_as(user)` – the test client signed in as that user (None: anonymous)."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def staff_client(client_as, rh_staff):
    """The test client signed in as Region Hovedstaden's authority staff."""
    return client_as(rh_staff)


@pytest.fixture
def offer_link():
    """`offer_link(offer)` – the offerer's private status page (the link in the receipt)."""
    return signing.offer_status_path


@pytest.fixture
def unrouted_offer(processed) -> Offer:
    """A processed offer that matched no need: in every authority's inbox to claim."""
    offer = processed(
        title="Transport af prøver",
        description="Vi kan køre prøver mellem testcentre og laboratorier hver dag.",
        quantity=None,
        unit=None,
        per_period=None,
    )
    assert offer.routed_to_id is None, offer.match_reasons
    return offer
