"""Tells the registry which organisations work together (for who sees contact persons)."""

from __future__ import annotations

from .models import Participant, Status


def share_a_partnership(organisation_id: int, other_id: int) -> bool:
    """Both organisations take part in the same partnership that is forming or active."""
    return Participant.objects.filter(
        organisation_id=organisation_id,
        partnership__status__in=(Status.FORMING, Status.ACTIVE),
        partnership__participants__organisation_id=other_id,
    ).exists()
