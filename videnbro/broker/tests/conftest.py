"""Fixtures for the data entry point: an applicant with an organisation, the broker
(Dataindgangen), custodian users for the three custodians of the seeded datasets
landspatientregisteret (Sundhedsdatastyrelsen), befolkningsregisteret (Danmarks Statistik) and
dbcg-database (RKKP), and `make_request(state)` – a request built through the services up to any
state. `run_tasks()` (sending the queued e-mails) comes from the root conftest."""

from __future__ import annotations

import pytest
from django.test import Client

from videnbro.accounts.models import Role
from videnbro.broker import services
from videnbro.broker.models import AccessRequest, RequestPart

from .factories import BEF, DBCG, DST, LPR, RKKP, SDS, dataset_choices, project_data

S = AccessRequest.Status
P = RequestPart.Status


@pytest.fixture
def applicant(make_user, org):
    user = make_user(
        Role.ORGANISATION_MEMBER, organisation=org("koebenhavns-universitet"), email="ansoeger@ku.example.org"
    )
    user.first_name, user.last_name = "Karen", "Testesen-Blixen"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def other_applicant(make_user, org):
    return make_user(
        Role.ORGANISATION_MEMBER,
        organisation=org("aarhus-universitet"),
        email="anden.ansoeger@au.example.org",
    )


@pytest.fixture
def broker(make_user):
    return make_user(Role.DATA_BROKER, email="dataindgang@example.org")


@pytest.fixture
def custodians(make_user, org) -> dict:
    """custodian organisation key → a data-custodian user of that organisation."""
    return {
        key: make_user(Role.DATA_CUSTODIAN, organisation=org(key), email=f"{short}@custodian.example.org")
        for key, short in ((SDS, "sds"), (DST, "dst"), (RKKP, "rkkp"))
    }


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
def make_request(seeded, applicant, broker, custodians):
    """`make_request(state, *, by=applicant, datasets=(LPR, BEF, DBCG), parts=None, **fields)`
    – a request moved through the services (never written directly) up to `state`.

    `parts` is the state each custodian's part is brought to after routing: one part state for
    all, or {custodian key: state}. Past routing the parts default to approved; `closed` with
    all parts rejected closes straight from routed, otherwise it is closed after being active."""

    def make(
        state: str = S.DRAFT, *, by=None, datasets=(LPR, BEF, DBCG), parts=None, **fields
    ) -> AccessRequest:
        actor = by or applicant
        request = services.request_save(
            actor=actor, data=project_data(**fields), datasets=dataset_choices(*datasets)
        )

        def go(to: str, who, **kwargs) -> None:
            nonlocal request
            request = services.request_transition(actor=who, access_request=request, to=to, **kwargs)

        if state == S.WITHDRAWN:
            go(S.WITHDRAWN, actor, note="Projektet er opgivet.")
        if state in (S.DRAFT, S.WITHDRAWN):
            return AccessRequest.objects.get(pk=request.pk)
        go(S.SUBMITTED, actor)
        if state != S.SUBMITTED:
            go(S.SCREENING, broker)
        if state == S.RETURNED:
            go(S.RETURNED, broker, note="Vedhæft venligst protokollen.")
        if state in (S.SUBMITTED, S.SCREENING, S.RETURNED):
            return AccessRequest.objects.get(pk=request.pk)
        go(S.ROUTED, broker)
        if parts is None and state != S.ROUTED:
            parts = P.APPROVED
        for part in request.parts.select_related("custodian"):
            target = (
                parts.get(part.custodian.key, P.PENDING) if isinstance(parts, dict) else parts or P.PENDING
            )
            if target != P.PENDING:
                go(P.IN_REVIEW, custodians[part.custodian.key], part=part)
            if target not in (P.PENDING, P.IN_REVIEW):
                go(target, custodians[part.custodian.key], part=part, note=f"Afgørelse: {target}.")
        all_rejected = all(p.status == P.REJECTED for p in request.parts.all())
        if state == S.ROUTED:
            return AccessRequest.objects.get(pk=request.pk)
        if state == S.CLOSED and all_rejected:
            go(S.CLOSED, broker, note="Alle dataansvarlige har afvist.")
            return AccessRequest.objects.get(pk=request.pk)
        go(S.COST_ESTIMATE, broker, cost_estimate="12500", note="Udtræk og kørsel.")
        for to, who in (
            (S.ACCEPTED, actor),
            (S.PROVISIONING, broker),
            (S.ACTIVE, broker),
            (S.CLOSED, broker),
        ):
            if state == request.status:
                break
            go(to, who)
        assert request.status == state, (request.status, state)
        return AccessRequest.objects.get(pk=request.pk)

    return make


@pytest.fixture
def client_as(db):
    """`client_as(user)` – a Django test client signed in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
