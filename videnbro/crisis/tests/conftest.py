"""Fixtures for the crisis tests: authority staff of real seeded authorities and offers processed
by the worker. The active incident, its need, `submit()`, `rh_staff`, `staff_of` and
`run_tasks()` live in the root conftest (core's cross-app tests use them too), as does the reset
of the abuse-limit counters before every test."""

from __future__ import annotations

import pytest

from videnbro.accounts.models import Role
from videnbro.crisis.models import Offer

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
