"""Writing audit rows; called by services inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditLog


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, SystemActor):
        return actor.label
    if isinstance(actor, str):
        return actor
    if getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "anonymous"


def attribute_history(obj: models.Model, actor: Any) -> None:
    """Record the acting user in django-simple-history rows also for API and CLI writes,
    where the request middleware does not know the user."""
    if getattr(actor, "is_authenticated", False):
        obj._history_user = actor  # simple-history reads this attribute on save


def audit_log(
    *, actor: Any, action: str, obj: models.Model | None = None, data: dict[str, Any] | None = None
) -> AuditLog:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )


class SystemActor:
    """The actor for seeding, imports and tasks run by the platform itself."""

    is_authenticated = False
    is_active = True

    def __init__(self, label: str = "system") -> None:
        self.label = label

    def __str__(self) -> str:
        return self.label


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)
