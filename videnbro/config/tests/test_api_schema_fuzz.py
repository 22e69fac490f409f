"""Property-based API tests: schemathesis generates requests for every operation of
/api/v1/openapi.json and the app must answer each without a 5xx and within its own schema
(documented status code, content type, response body) – anonymously and as platform admin.

Runs in process against Django's WSGI handler inside pytest-django's test transaction, on
whichever database the suite runs on (SQLite, then PostgreSQL in CI). Examples are derandomised
so a failure is reproducible; see docs/decisions/0012-api-fuzzing.md."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks

from videnbro.accounts.models import Role
from videnbro.accounts.services import token_create

# Examples per operation and identity (~56 operations × 2 identities); sized to keep the module
# under about four minutes per database on the 2-core CI machine (docs/decisions/0012).
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


def _schema_dict() -> dict:
    """The same document /api/v1/openapi.json serves, built without a request."""
    from videnbro.config.api import urlpatterns  # noqa: F401  (import the URLconf)

    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_schema_dict())
schema.app = WSGIHandler()


@pytest.fixture(params=["anonymous", "staff"])
def identity(request, seeded, make_user):
    """Headers of the identity a case is sent as; the seeded dataset gives detail endpoints
    real ids. The WSGI handler would close the test's connection around each request (its
    request_started/request_finished receivers; on PostgreSQL that ends the test
    transaction), so the test client's guard is applied here too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        if request.param == "anonymous":
            yield {}
        else:
            admin = make_user(Role.PLATFORM_ADMIN)
            _token, raw = token_create(actor=admin, user=admin, name="fuzz")
            yield {"Authorization": f"Bearer {raw}"}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_operation_within_its_schema(case, identity):
    case.call_and_validate(
        headers=identity,
        checks=[
            st_checks.not_a_server_error,
            st_checks.status_code_conformance,
            st_checks.content_type_conformance,
            st_checks.response_schema_conformance,
            st_checks.response_headers_conformance,
        ],
    )
