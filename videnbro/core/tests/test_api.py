"""The shared API plumbing: one error envelope for every failure, and the health check."""

import pytest
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from rest_framework import exceptions

from videnbro.core.api import exception_handler
from videnbro.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)


@pytest.mark.parametrize(
    ("exc", "status", "errors"),
    [
        (ApplicationError("Nope."), 400, {"non_field_errors": ["Nope."]}),
        (PermissionDeniedError("Ikke dig."), 403, {"non_field_errors": ["Ikke dig."]}),
        (NotFoundError("Væk.", errors={"id": ["Findes ikke."]}), 404, {"id": ["Findes ikke."]}),
        (ConflictError("Optaget."), 409, {"non_field_errors": ["Optaget."]}),
        (ValidationError({"cvr": ["Forkert."]}), 400, {"cvr": ["Forkert."]}),
        (ValidationError("Forkert."), 400, {"non_field_errors": ["Forkert."]}),
        (RequestDataTooBig(), 413, {"detail": ["Forespørgslen er for stor."]}),
        (Http404(), 404, {"detail": ["Ikke fundet."]}),
        (PermissionDenied("Lukket."), 403, {"detail": ["Lukket."]}),
        (exceptions.ValidationError({"name": ["Skal udfyldes."]}), 400, {"name": ["Skal udfyldes."]}),
        (exceptions.ValidationError(["a", "b"]), 400, {"non_field_errors": ["a", "b"]}),
        (exceptions.NotAuthenticated("Log ind."), 401, {"detail": ["Log ind."]}),
        (exceptions.MethodNotAllowed("DELETE"), 405, {"detail": ['Metoden "DELETE" er ikke tilladt.']}),
    ],
)
def test_it_maps_every_error_to_the_envelope(exc, status, errors):
    response = exception_handler(exc, {})
    assert response.status_code == status
    assert response.data == {"errors": errors}


def test_it_carries_extra_data_of_application_errors():
    exc = ConflictError("Optaget.", extra={"existing": 7})
    assert exception_handler(exc, {}).data == {"errors": {"non_field_errors": ["Optaget."]}, "existing": 7}


def test_it_leaves_unknown_exceptions_to_django():
    assert exception_handler(RuntimeError("boom"), {}) is None


def test_it_answers_an_unsupported_method_with_405_in_the_envelope(db, api):
    response = api.delete("/api/v1/health/")
    assert response.status_code == 405
    assert list(response.json()) == ["errors"]


def test_it_answers_an_unknown_api_path_with_404(db, api):
    assert api.get("/api/v1/nowhere/").status_code == 404


def test_it_reports_health_without_authentication(db, api):
    response = api.get("/api/v1/health/", HTTP_AUTHORIZATION="Bearer revoked-or-bogus")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_serves_the_interactive_docs(db, client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
