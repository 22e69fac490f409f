"""The actor type of every service and selector above core (core itself takes `Any`: it sits
below accounts and never imports it), and the one narrowing every service needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, cast

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


def signed_in_user(actor: Actor) -> User | None:
    """The user behind the actor when it is a signed-in user, else None (the public, the
    system). Only a User is authenticated: AnonymousUser and SystemActor never are."""
    return cast("User", actor) if getattr(actor, "is_authenticated", False) else None
