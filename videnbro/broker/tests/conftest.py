"""Fixtures for the data entry point: a second applicant, each custodian's user on its own and a
signed-in test client. The applicant, the broker (Dataindgangen), the custodian users for the
three custodians of the seeded datasets landspatientregisteret (Sundhedsdatastyrelsen),
befolkningsregisteret (Danmarks Statistik) and dbcg-database (RKKP), `make_request(state)` – a
request built through the services up to any state – and `run_tasks()` (sending the queued
e-mails) live in the root conftest (core's cross-app tests use them too)."""

from __future__ import annotations

import pytest
from django.test import Client

from videnbro.accounts.models import Role

from .factories import DST, RKKP, SDS


@pytest.fixture
def other_applicant(make_user, org):
    return make_user(
        Role.ORGANISATION_MEMBER,
        organisation=org("aarhus-universitet"),
        email="anden.ansoeger@au.example.org",
    )


@pytest.fixture
def sds_custodian(custodians):
    return custodians[SDS]


@pytest.fixture
def dst_custodian(custodians):
    return custodians[DST]


@pytest.fixture
def rkkp_custodian(custodians):
    return custodians[RKKP]


@pytest.fixture
def client_as(db):
    """`client_as(user)` – a Django test client signed in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
