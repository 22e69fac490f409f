"""Tells the registry which organisations work together (for who sees contact persons)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from .models import Participant, Partnership, PartnershipSource, Status
from .permissions import KEEPERS


def curated_partnerships() -> QuerySet[Partnership]:
    """Partnerships whose participant list a registry keeper stands behind (finding 2 of
    issue 12). Anyone with an organisation may create a partnership and list any organisation
    in it, so a partnership counts only when its current state was written by a registry keeper
    (cluster secretariat, platform admin) or – no user behind the last write – it comes from a
    source (the seeds, an import). The last writer is the newest history row's user: a member's
    edit of a seeded or keeper-made partnership takes it out until a keeper saves it again."""
    last_writer = (
        Partnership.history.filter(id=OuterRef("pk"))
        .order_by("-history_date", "-history_id")
        .values("history_user_id")[:1]
    )
    keepers = get_user_model().objects.filter(Q(role__in=KEEPERS) | Q(is_superuser=True)).values("pk")
    sourced = Exists(PartnershipSource.objects.filter(partnership_id=OuterRef("pk")))
    return Partnership.objects.annotate(last_writer=Subquery(last_writer), sourced=sourced).filter(
        Q(last_writer__in=keepers) | Q(last_writer__isnull=True, sourced=True)
    )


def share_a_partnership(organisation_id: int, other_id: int) -> bool:
    """Both organisations take part in the same curated partnership that is forming or
    active."""
    return Participant.objects.filter(
        organisation_id=organisation_id,
        partnership__status__in=(Status.FORMING, Status.ACTIVE),
        partnership__participants__organisation_id=other_id,
        partnership__in=curated_partnerships().values("pk"),
    ).exists()
