"""Who may do what in the registry; called by services (and by views to hide buttons)."""

from __future__ import annotations

from typing import Any

from videnbro.accounts.models import Role

from .models import Organisation

REGISTRY_KEEPERS = (Role.PLATFORM_ADMIN, Role.CLUSTER_SECRETARIAT)
ORGANISATION_CREATORS = (*REGISTRY_KEEPERS, Role.AUTHORITY_STAFF)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view_contacts(user: Any) -> bool:
    """Contact persons are personal data: signed-in members only."""
    return _signed_in(user)


def can_create_organisation(user: Any) -> bool:
    return _signed_in(user) and user.has_role(*ORGANISATION_CREATORS)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Registry keepers edit everything; anyone else edits only their own organisation."""
    if not _signed_in(user):
        return False
    if user.has_role(*REGISTRY_KEEPERS):
        return True
    return organisation.pk is not None and user.organisation_id == organisation.pk


def can_import_organisations(user: Any) -> bool:
    return _signed_in(user) and user.has_role(*REGISTRY_KEEPERS)


# Unverified organisations (created from offers or imports, finding 6 of issue 12) are seen and
# verified by the staff who may create organisations anyway: verifying one is no more power
# than creating it. Everyone else – the public, self-service accounts, members – never sees them.
UNVERIFIED_REVIEWERS = ORGANISATION_CREATORS


def can_view_unverified(user: Any) -> bool:
    return _signed_in(user) and user.has_role(*UNVERIFIED_REVIEWERS)


def can_verify_organisation(user: Any) -> bool:
    return _signed_in(user) and user.has_role(*UNVERIFIED_REVIEWERS)
