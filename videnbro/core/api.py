"""API plumbing shared by every app: error envelope, pagination, health check."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, connection, models
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError

_M = TypeVar("_M", bound=models.Model)


def _flatten(prefix: str, value: Any, out: dict[str, list[str]]) -> None:
    """Nested serializer errors become dotted paths: "participants.0.role"."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            if item:
                _flatten(f"{prefix}.{index}", item, out)
    elif isinstance(value, list):
        out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in value)
    else:
        out.setdefault(prefix or "detail", []).append(str(value))


def _as_error_dict(detail: Any) -> dict[str, list[str]]:
    """Errors keyed by the top-level field; a nested path is kept in the message
    ("0.role: …" under "participants")."""
    if not isinstance(detail, dict | list):
        return {"detail": [str(detail)]}
    flat: dict[str, list[str]] = {}
    _flatten("", detail, flat)
    out: dict[str, list[str]] = {}
    for path, messages in flat.items():
        field, _, rest = path.partition(".")
        out.setdefault(field, []).extend(f"{rest}: {m}" if rest else m for m in messages)
    return out


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every error to `{"errors": {field: [messages]}}` with the fitting status."""
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"errors": exc.errors, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"errors": errors}, status=400)
    if isinstance(exc, DataError) and "NUL (0x00)" in str(exc):
        # PostgreSQL text cannot hold NUL; psycopg refuses it before anything reaches the
        # server (the transaction is intact). Forms and serializers reject it on their fields;
        # this covers a NUL in a query parameter used as a lookup. SQLite stores it.
        from django.core.validators import ProhibitNullCharactersValidator

        return Response({"errors": {"detail": [str(ProhibitNullCharactersValidator.message)]}}, status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response({"errors": {"detail": ["Forespørgslen er for stor."]}}, status=413)
    if isinstance(exc, exceptions.Throttled):
        from django.utils.translation import gettext as _

        # DRF sets `wait` in Throttled.__init__; the stubs do not declare it.
        wait = int(exc.wait or 60) + (1 if exc.wait and exc.wait % 1 else 0)  # type: ignore[attr-defined]
        exc = exceptions.Throttled(
            wait=wait, detail=_("For mange forespørgsler. Prøv igen om %(s)s sekunder.") % {"s": wait}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    response.data = {"errors": _as_error_dict(detail)}
    return response


def object_or_404(model_or_queryset: type[_M] | models.QuerySet[_M], pk: object) -> _M:
    """The object with this numeric id (from a model or a queryset); a missing or non-numeric
    id is a 404, never a 500."""
    from .keys import numeric_id

    number = numeric_id(pk)
    if number is None:
        raise Http404
    queryset = (
        model_or_queryset._default_manager.all() if isinstance(model_or_queryset, type) else model_or_queryset
    )
    obj = queryset.filter(pk=number).first()
    if obj is None:
        raise Http404
    return obj


class HealthView(APIView):
    """Liveness and database check; also the baseline endpoint for benchmark ratios."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []  # the benchmark baseline must measure the server, not the limiter

    @extend_schema(
        responses=inline_serializer("Health", {"status": serializers.CharField()}),
        tags=["health"],
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception:  # a broken database is exactly what this endpoint reports
            return Response({"status": "error", "database": "unavailable"}, status=503)
        return Response({"status": "ok"})


@csrf_exempt  # a POST to no endpoint is a 404, not the HTML CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that no endpoint matches (e.g. `/offers/0.5/`): the API's 404
    envelope, not the HTML page."""
    return JsonResponse({"errors": {"detail": [str(exceptions.NotFound.default_detail)]}}, status=404)
