"""The one ApplicationError hierarchy that services raise and the API/UI map to responses."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business-rule failure that the caller can show to a user."""

    status_code = 400

    def __init__(
        self, message: str, *, errors: dict[str, list[str]] | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {"non_field_errors": [message]}
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    status_code = 403


class NotFoundError(ApplicationError):
    status_code = 404


class ConflictError(ApplicationError):
    status_code = 409
