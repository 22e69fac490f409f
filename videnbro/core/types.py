"""Types shared by every app's services and selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from videnbro.accounts.models import User

    # Who acts in a service call: a signed-in user, the anonymous public (offers, sign-ups), or
    # None for the system itself (seed loader, tasks, commands run by an operator).
    Actor: TypeAlias = "User | AnonymousUser | None"
else:
    Actor = object
