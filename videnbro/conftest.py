"""Shared test fixtures: the seeded registry, partnerships, crisis incidents and health data map
(loaded once per session), users per role, API clients that authenticate with a Bearer token,
`run_tasks()` – the queued background work run by django_tasks_db's own worker –, the fixtures
more than one app's tests use (a crisis incident with a need and offers, an access request at
any state) and the browser fixtures (a seeded live server, a Chromium page).

Fixtures used by one app only live in that app's `tests/conftest.py`; test modules never import
fixtures from each other."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from videnbro.accounts.models import Role
from videnbro.accounts.services import token_create, user_create
from videnbro.broker import services as broker_services
from videnbro.broker.models import AccessRequest, RequestPart
from videnbro.broker.tests.factories import BEF, DBCG, DST, LPR, RKKP, SDS, dataset_choices, project_data
from videnbro.core.tests.chromium import chromium
from videnbro.crisis import services as crisis_services
from videnbro.crisis.models import Incident, Need, Offer
from videnbro.crisis.seeding import seed_crisis
from videnbro.crisis.tests.factories import need_data, offer_data
from videnbro.datamap.models import Dataset
from videnbro.datamap.seeding import seed_datamap
from videnbro.partnerships.models import Partnership
from videnbro.partnerships.seeding import seed_partnerships
from videnbro.registry.models import Organisation
from videnbro.registry.seeding import seed_registry

_usernames = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the test database once; each test then runs in a transaction that is rolled back.
    Under pytest-xdist every worker seeds a test database of its own (pytest-django names it
    with the worker's suffix, e.g. test_videnbro_gw0 on PostgreSQL)."""
    with django_db_blocker.unblock():
        seed_registry(progress=False)
        seed_partnerships(progress=False)
        seed_crisis(progress=False)
        seed_datamap(progress=False)


@pytest.fixture
def seeded(db):
    """The seeded registry. Transactional tests (e.g. live_server) flush the database after
    themselves; pytest-django runs them last, but reseed in case one ran earlier."""
    if not Organisation.objects.filter(key="region-hovedstaden").exists():
        seed_registry(progress=False)
    if not Partnership.objects.filter(cbs_number=62).exists():
        seed_partnerships(progress=False)
    if not Incident.objects.filter(key="covid-19-foerste-boelge-2020").exists():
        seed_crisis(progress=False)
    if not Dataset.objects.filter(key="landspatientregisteret").exists():
        seed_datamap(progress=False)
    return Organisation.objects


@pytest.fixture
def org(seeded):
    """An organisation by its seed key: `org("grundfos")`."""

    def get(key: str) -> Organisation:
        return Organisation.objects.get(key=key)

    return get


@pytest.fixture
def make_user(db):
    """`make_user(Role.CLUSTER_SECRETARIAT, organisation=...)` – a fresh user with that role."""

    def make(role: str = Role.ORGANISATION_MEMBER, *, organisation=None, password="pw-secret-1", **kwargs):
        return user_create(
            actor=None,
            username=f"user{next(_usernames)}-{role}",
            password=password,
            role=role,
            organisation=organisation,
            **kwargs,
        )

    return make


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.CLUSTER_SECRETARIAT)


@pytest.fixture
def authority_staff(make_user):
    return make_user(Role.AUTHORITY_STAFF)


@pytest.fixture
def platform_admin(make_user):
    return make_user(Role.PLATFORM_ADMIN)


@pytest.fixture
def grundfos_member(make_user, org):
    return make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos"))


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def api_as(db):
    """`api_as(user)` – an API client sending `Authorization: Bearer <token>` for that user."""

    def client_for(user) -> APIClient:
        _token, raw = token_create(actor=user, user=user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return client_for


@pytest.fixture
def run_tasks(db, monkeypatch):
    """Run every queued task (offer processing, e-mails) to the end, like a batch worker
    (`videnbro db_worker`);
    fails the test when a task failed, so a broken task cannot pass silently.

    The worker closes "old" connections between tasks; inside the test's transaction that
    would close the connection on PostgreSQL (Django's test client skips the same call)."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        before = DBTaskResult.objects.filter(status="SUCCESSFUL").count()
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test",
            excluded_queue_names=[],
        ).run()
        failed = list(
            DBTaskResult.objects.filter(status="FAILED").values_list(
                "task_path", "exception_class_path", "traceback"
            )
        )
        assert not failed, failed
        return DBTaskResult.objects.filter(status="SUCCESSFUL").count() - before

    return run


@pytest.fixture(autouse=True)
def _danish_by_default():
    """A request to /en/ leaves English active in the thread; every test starts in Danish."""
    from django.utils import translation

    translation.activate("da")
    yield
    translation.activate("da")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Abuse limits (sign-up and login mails, offers, code attempts) count in the shared
    "throttle" cache, which outlives a test's database transaction; every test starts from zero,
    whichever tests ran before it in the same process (also under pytest-xdist)."""
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


# ---------------------------------------------------------------------------------------------
# Crisis: authority staff, an active incident, needs and offers made through the services (used
# by the crisis tests and by core's cross-app tests; more in crisis/tests/conftest.py)

RH = "region-hovedstaden"


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
def incident(rh_staff) -> Incident:
    """An active incident with Region Hovedstaden responsible."""
    declared = crisis_services.incident_declare(
        actor=rh_staff,
        data={"title": "Testhændelse: mangel på værnemidler", "kind": "pandemic", "regions": ["hovedstaden"]},
    )
    return crisis_services.incident_transition(actor=rh_staff, incident=declared, to="active")


@pytest.fixture
def make_need(incident, rh_staff):
    """`make_need(actor=..., **form_fields)` – a need posted through need_create."""

    def make(*, actor=None, **overrides) -> Need:
        return crisis_services.need_create(actor=actor or rh_staff, data=need_data(incident, **overrides))

    return make


@pytest.fixture
def need(make_need) -> Need:
    return make_need()


@pytest.fixture
def submit(db):
    """`submit(**fields)` – an offer stored through offer_submit (not yet processed)."""

    def make(*, idempotency_key=None, for_need=None, **overrides) -> Offer:
        return crisis_services.offer_submit(
            data=offer_data(**overrides), need=for_need, idempotency_key=idempotency_key
        ).offer

    return make


# ---------------------------------------------------------------------------------------------
# Broker: an applicant, the broker, custodian users and `make_request(state)` (used by the broker
# tests and by core's cross-app tests; more in broker/tests/conftest.py)

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
        request = broker_services.request_save(
            actor=actor, data=project_data(**fields), datasets=dataset_choices(*datasets)
        )

        def go(to: str, who, **kwargs) -> None:
            nonlocal request
            request = broker_services.request_transition(actor=who, access_request=request, to=to, **kwargs)

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


# ---------------------------------------------------------------------------------------------
# Browser tests: Debian Chromium through Playwright against pytest-django's live server (its own
# free port in every process, so also under pytest-xdist)


@pytest.fixture
def seeded_live_server(live_server):
    """The live server with the seeded registry and partnerships (a transactional test starts
    from an empty database)."""
    seed_registry(progress=False)
    seed_partnerships(progress=False)
    return live_server


@pytest.fixture
def browser_page(seeded_live_server):
    """A Danish page in headless Chromium. Depends on the seeded server so the data is written
    before Playwright starts (its greenlet would otherwise hold a database connection of its
    own); a test's own fixtures that write to the database come before this one."""
    with chromium() as browser:
        context = browser.new_context(locale="da-DK")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()


@pytest.fixture
def run_tasks_in_thread():
    """`run_tasks_in_thread()` – the background worker for browser tests, in a thread of its own
    like a real worker process: database work from the test's thread while Playwright runs would
    open a connection in Playwright's greenlet that nobody closes (PostgreSQL then refuses to drop
    the test database)."""
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    def run() -> None:
        def work() -> None:
            try:
                Worker(
                    queue_names=["*"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id="browser-test",
                    excluded_queue_names=[],
                ).run()
            finally:
                connections.close_all()

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(timeout=120)

    return run
