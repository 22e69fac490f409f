"""The actor type of every service and selector above core (core itself takes `Any`: it sits
below accounts and never imports it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from videnbro.core.audit import SystemActor

    from .models import User

    # Who acts in a service call: a signed-in user, the anonymous public (offers, sign-ups), the
    # platform itself (`core.audit.SYSTEM`: seed loader, imports, tasks) or None where a command
    # run by an operator acts without a user.
    Actor: TypeAlias = "User | AnonymousUser | SystemActor | None"
else:
    Actor = object
