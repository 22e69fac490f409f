"""Writing audit rows; called by services inside their transaction."""

from __future__ import annotations

from typing import Any, TypeAlias

from django.db import models

from .models import AuditLog

# Who acts: a signed-in user, the anonymous public, a SystemActor, a plain label ("cli",
# "offerer") or None for the system. Core sits below accounts and must not name its User model
# (import-linter forbids the import, also for typing), so core takes Any and reads the actor
# only through `getattr`/`isinstance`; above core the type is `videnbro.accounts.types.Actor`.
CoreActor: TypeAlias = Any


def actor_label(actor: CoreActor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, SystemActor):
        return actor.label
    if isinstance(actor, str):
        return actor
    if getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "anonymous"


def attribute_history(obj: models.Model, actor: CoreActor) -> None:
    """Record the acting user in django-simple-history rows also for API and CLI writes,
    where the request middleware does not know the user."""
    if getattr(actor, "is_authenticated", False):
        # simple-history reads this attribute on save; it is not a field, so the stubs of Model
        # do not know it.
        obj._history_user = actor  # type: ignore[attr-defined]


def audit_log(
    *, actor: CoreActor, action: str, obj: models.Model | None = None, data: dict[str, Any] | None = None
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


def is_system(actor: CoreActor) -> bool:
    return isinstance(actor, SystemActor)
