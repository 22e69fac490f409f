"""The actor type of every service and selector above core (core itself takes `Any`: it sits
below accounts and never imports it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    # Who acts in a service call: a signed-in user, the anonymous public (offers, sign-ups), or
    # None for the system itself (seed loader, tasks, commands run by an operator).
    Actor: TypeAlias = "User | AnonymousUser | None"
else:
    Actor = object
