"""Who may change the health data map; called by the services. The map is public to read;
datasets, access routes and sandboxes are kept by the platform's editors (the same people who
keep the registry) and by the platform itself (seeding, `videnbro import dcat`)."""

from __future__ import annotations

from typing import Any

from videnbro.accounts.models import Role

DATAMAP_KEEPERS = (Role.PLATFORM_ADMIN, Role.CLUSTER_SECRETARIAT)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_edit_datamap(user: Any) -> bool:
    """Create and change datasets, their variables, access routes and sandboxes."""
    return _signed_in(user) and user.has_role(*DATAMAP_KEEPERS)


def can_import_catalogue(user: Any) -> bool:
    """Harvest a DCAT catalogue into the map (it creates and changes datasets in bulk)."""
    return can_edit_datamap(user)
