"""Who may create, edit and evaluate partnerships."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from videnbro.accounts.models import Role, User

from .models import Partnership

if TYPE_CHECKING:
    from videnbro.accounts.types import Actor

KEEPERS = (Role.PLATFORM_ADMIN, Role.CLUSTER_SECRETARIAT)


def _signed_in(user: Actor) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_create_partnership(user: Actor) -> bool:
    """Registry keepers, authority staff and anyone who belongs to an organisation."""
    if not _signed_in(user):
        return False
    return user.has_role(*KEEPERS, Role.AUTHORITY_STAFF) or user.organisation_id is not None


def can_edit_partnership(user: Actor, partnership: Partnership) -> bool:
    """Keepers edit every partnership; others those their organisation takes part in."""
    if not _signed_in(user):
        return False
    if user.has_role(*KEEPERS):
        return True
    return (
        user.organisation_id is not None
        and partnership.pk is not None
        and partnership.participants.filter(organisation_id=user.organisation_id).exists()
    )


def can_evaluate_partnership(user: Actor, partnership: Partnership) -> bool:
    return can_edit_partnership(user, partnership) or (
        _signed_in(user) and user.has_role(Role.AUTHORITY_STAFF)
    )
