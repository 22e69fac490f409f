"""Suggested partners on organisation pages (loaded lazily with HTMX)."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render

from videnbro.partnerships.models import Participant
from videnbro.registry.models import Organisation
from videnbro.registry.selectors import visible_organisations

from .matcher import MatchRequest, match


def suggested_partners(organisation: Organisation, limit: int = 6):
    """Partners it has not worked with yet, for what it does and the areas it works in."""
    participations = Participant.objects.filter(organisation=organisation).select_related("partnership")
    focus = Counter(p.partnership.focus_area for p in participations if p.partnership.focus_area)
    text = (
        " ".join(
            filter(
                None,
                [
                    organisation.description,
                    " ".join(organisation.competences.values_list("name", flat=True)),
                    " ".join(p.partnership.title for p in participations),
                ],
            )
        )
        or organisation.name
    )
    partners = set(
        Participant.objects.filter(partnership_id__in=[p.partnership_id for p in participations]).values_list(
            "organisation_id", flat=True
        )
    )
    try:
        suggestions, _focus = match(
            MatchRequest(
                text=text[:2000],
                focus_area=focus.most_common(1)[0][0] if focus else None,
                limit=limit,
                asker=None,
                exclude=partners | {organisation.pk},
            )
        )
    except ValidationError:
        return []
    return suggestions


def organisation_suggestions(request, key: str):
    # The registry's one rule: an unverified organisation's key is a 404 for whoever may not
    # see it (issue 12, finding 6).
    organisation = get_object_or_404(visible_organisations(request.user), key=key)
    return render(request, "matching/_suggestions.html", {"suggestions": suggested_partners(organisation)})
