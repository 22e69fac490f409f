"""Who may do what in the registry; called by services (and by views to hide buttons)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeGuard

from videnbro.accounts.models import Role, User

from .models import Organisation

if TYPE_CHECKING:
    from videnbro.accounts.types import Actor

REGISTRY_KEEPERS = (Role.PLATFORM_ADMIN, Role.CLUSTER_SECRETARIAT)
ORGANISATION_CREATORS = (*REGISTRY_KEEPERS, Role.AUTHORITY_STAFF)
# Staff who broker collaboration and run crises see every organisation's contact persons.
CONTACT_VIEWERS = (*REGISTRY_KEEPERS, Role.AUTHORITY_STAFF)

# `checker(organisation_id, other_organisation_id) -> bool`: do the two organisations work
# together? Higher apps register here in their AppConfig.ready() (partnerships: both take
# part in the same current partnership); the registry cannot import them.
collaboration_checkers: list[Callable[[int, int], bool]] = []


def register_collaboration_checker(checker: Callable[[int, int], bool]) -> None:
    if checker not in collaboration_checkers:
        collaboration_checkers.append(checker)


def organisations_collaborate(organisation_id: int, other_id: int) -> bool:
    return any(checker(organisation_id, other_id) for checker in collaboration_checkers)


def _signed_in(user: Actor) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view_contacts(user: Actor, organisation: Organisation) -> bool:
    """Contact persons are personal data: for staff who broker collaboration (platform admins,
    the cluster secretariat, authority staff), for the organisation's own members and for
    members of organisations working together with it – never for an account without an
    organisation (self-service sign-up, data applicants) and never for the public."""
    if not _signed_in(user):
        return False
    if user.has_role(*CONTACT_VIEWERS):
        return True
    if user.organisation_id is None or organisation.pk is None:
        return False
    return user.organisation_id == organisation.pk or organisations_collaborate(
        user.organisation_id, organisation.pk
    )


def can_create_organisation(user: Actor) -> bool:
    return _signed_in(user) and user.has_role(*ORGANISATION_CREATORS)


def can_edit_organisation(user: Actor, organisation: Organisation) -> bool:
    """Registry keepers edit everything; anyone else edits only their own organisation."""
    if not _signed_in(user):
        return False
    if user.has_role(*REGISTRY_KEEPERS):
        return True
    return organisation.pk is not None and user.organisation_id == organisation.pk


def can_import_organisations(user: Actor) -> bool:
    return _signed_in(user) and user.has_role(*REGISTRY_KEEPERS)


# Unverified organisations (created from offers or imports, finding 6 of issue 12) are seen and
# verified by the staff who may create organisations anyway: verifying one is no more power
# than creating it. Everyone else – the public, self-service accounts, members – never sees them.
UNVERIFIED_REVIEWERS = ORGANISATION_CREATORS


def can_view_unverified(user: Actor) -> bool:
    return _signed_in(user) and user.has_role(*UNVERIFIED_REVIEWERS)


def can_verify_organisation(user: Actor) -> bool:
    return _signed_in(user) and user.has_role(*UNVERIFIED_REVIEWERS)
