"""Who may do what at the crisis front door; called by services (and views to hide buttons).

- Authority staff (and platform admins) declare incidents and post needs for their own
  organisation; they triage the offers routed to their organisation and may claim offers
  that no need matched yet.
- Contact data of an offer is visible only to the authority it is routed to (and admins);
  a volunteer's contact data to nobody – messages go through the platform.
- Anyone sees incidents and open needs; offers and volunteers are never public.
"""

from __future__ import annotations

from typing import Any

from videnbro.accounts.models import Role


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_admin(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.PLATFORM_ADMIN)


def is_authority(user: Any) -> bool:
    """Staff of an authority with an organisation, or a platform admin."""
    return is_admin(user) or (
        _signed_in(user) and user.has_role(Role.AUTHORITY_STAFF) and user.organisation_id is not None
    )


def can_declare_incident(user: Any) -> bool:
    return is_authority(user)


def can_manage_incident(user: Any, incident) -> bool:
    if is_admin(user):
        return True
    return is_authority(user) and incident.responsible.filter(pk=user.organisation_id).exists()


def can_post_need(user: Any, owner) -> bool:
    return is_admin(user) or (is_authority(user) and owner.pk == user.organisation_id)


def can_manage_need(user: Any, need) -> bool:
    return is_admin(user) or (is_authority(user) and need.owner_id == user.organisation_id)


def can_see_offer(user: Any, offer) -> bool:
    """The inbox: offers routed to the user's organisation, and unrouted ones to claim."""
    if is_admin(user):
        return True
    return is_authority(user) and offer.routed_to_id in (None, user.organisation_id)


def can_triage_offer(user: Any, offer) -> bool:
    return is_admin(user) or (is_authority(user) and offer.routed_to_id == user.organisation_id)


def can_confirm_offer_claim(user: Any, offer) -> bool:
    """Attributing an offer to the organisation it claims to come from (issue 12, finding 5):
    the authority that triages the offer, or a platform admin."""
    return can_triage_offer(user, offer)


def can_see_offer_contact(user: Any, offer) -> bool:
    return can_triage_offer(user, offer)


def can_see_volunteers(user: Any) -> bool:
    """Skills, municipality and availability – never name or contact data."""
    return is_authority(user)
