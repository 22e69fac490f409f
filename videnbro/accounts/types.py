"""The actor type of every service and selector above core (core itself takes `Any`: it sits
below accounts and never imports it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from videnbro.core.audit import SystemActor

    from .models import User

    # Who acts in a service call: a signed-in user, the anonymous public (offers, sign-ups), a
    # named SystemActor (the seed loader, `videnbro import`, tasks: its label goes into the
    # audit row), or None for the system itself.
    Actor: TypeAlias = "User | AnonymousUser | SystemActor | None"
else:
    Actor = object
