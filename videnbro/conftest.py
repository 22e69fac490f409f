"""Shared test fixtures: the seeded registry, partnerships, crisis incidents and health data map
(loaded once per session), users per role, API clients that authenticate with a Bearer token and
`run_tasks()` – the queued background work run by django_tasks_db's own worker."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from videnbro.accounts.models import Role
from videnbro.accounts.services import token_create, user_create
from videnbro.crisis.models import Incident
from videnbro.crisis.seeding import seed_crisis
from videnbro.datamap.models import Dataset
from videnbro.datamap.seeding import seed_datamap
from videnbro.partnerships.models import Partnership
from videnbro.partnerships.seeding import seed_partnerships
from videnbro.registry.models import Organisation
from videnbro.registry.seeding import seed_registry

_usernames = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the test database once; each test then runs in a transaction that is rolled back."""
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
