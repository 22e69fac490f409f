"""Request-level guards and the mapping of service errors in web views to error pages."""

from __future__ import annotations

import math
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import Throttled

from .errors import ApplicationError


class RequestSizeLimitMiddleware:
    """Refuse a body bigger than DATA_UPLOAD_MAX_MEMORY_SIZE (UPLOAD_MAX_REQUEST_BYTES for a
    multipart upload) with 413 before reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = (
            settings.UPLOAD_MAX_REQUEST_BYTES
            if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    from django.utils.translation import gettext as _

    message = _("Forespørgslen er for stor.")
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": {"detail": [message]}}, status=413)
    return render(request, "error.html", {"status": 413, "message": message}, status=413)


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, Throttled):
            from django.utils.translation import gettext as _

            # DRF sets `wait` in Throttled.__init__; the stubs do not declare it.
            wait = math.ceil(exception.wait or 60)  # type: ignore[attr-defined]
            response = render(
                request,
                "error.html",
                {
                    "status": 429,
                    "message": _("For mange forespørgsler. Prøv igen om %(s)s sekunder.") % {"s": wait},
                },
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        if not isinstance(exception, ApplicationError):
            return None
        return render(
            request,
            "error.html",
            {"status": exception.status_code, "message": exception.message},
            status=exception.status_code,
        )
