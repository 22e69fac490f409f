"""Fixtures for the crisis tests: authority staff of real seeded authorities, an active
incident, needs and offers made through the services (`run_tasks()` lives in the root
conftest)."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from videnbro.accounts.models import Role
from videnbro.crisis import services
from videnbro.crisis.models import Incident, Need, Offer

from .factories import need_data, offer_data

RH = "region-hovedstaden"
SST = "sundhedsstyrelsen"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Abuse limits count in the shared "throttle" cache; every test starts from zero."""
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def staff_of(make_user, org):
    """`staff_of("region-hovedstaden")` – an authority staff member of that organisation."""

    def make(key: str):
        return make_user(Role.AUTHORITY_STAFF, organisation=org(key))

    return make


@pytest.fixture
def rh_staff(staff_of):
    return staff_of(RH)


@pytest.fixture
def sst_staff(staff_of):
    return staff_of(SST)


@pytest.fixture
def member(make_user, org):
    return make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos"))


@pytest.fixture
def incident(rh_staff) -> Incident:
    """An active incident with Region Hovedstaden responsible."""
    declared = services.incident_declare(
        actor=rh_staff,
        data={"title": "Testhændelse: mangel på værnemidler", "kind": "pandemic", "regions": ["hovedstaden"]},
    )
    return services.incident_transition(actor=rh_staff, incident=declared, to="active")


@pytest.fixture
def make_need(incident, rh_staff):
    """`make_need(actor=..., **form_fields)` – a need posted through need_create."""

    def make(*, actor=None, **overrides) -> Need:
        return services.need_create(actor=actor or rh_staff, data=need_data(incident, **overrides))

    return make


@pytest.fixture
def need(make_need) -> Need:
    return make_need()


@pytest.fixture
def submit(db):
    """`submit(**fields)` – an offer stored through offer_submit (not yet processed)."""

    def make(*, idempotency_key=None, for_need=None, **overrides) -> Offer:
        return services.offer_submit(
            data=offer_data(**overrides), need=for_need, idempotency_key=idempotency_key
        ).offer

    return make


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
