"""The partner-type rule: a suggestion from the participants' sectors (docs/partner-type-rule.md).

CBS coded each partnership by the kind of actors the health authorities worked *with*, so the
rule looks at the non-authority participants:

1. Participants with the role *authority* are the health authorities themselves: ignored.
2. Foundations fund a partnership; they do not make it a civil-society one: ignored when other
   actors are present (a company that "supports" still counts as a market actor, as in CBS #5).
3. A volunteer group (a citizen consortium such as Makers Mod Corona) mixes citizens, associations
   and companies: it counts as both market and civil society.
4. Market and civil-society actors together → Tværsektorielt samarbejde.
   Market actors (with or without public knowledge institutions) → Markedsaktører.
   Civil-society actors (with or without public bodies) → Civilsamfundsaktører.
   Public bodies only (e.g. region and municipalities across the health sectors) →
   Tværsektorielt samarbejde.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

from videnbro.registry.models import Kind, Organisation, Sector

from .taxonomy import PartnerType


class FocusAreaSuggestion(Protocol):
    focus_area: str  # the slug
    confidence: float


# Focus-area classifiers plugged in by higher apps (the matching app registers its classifier in
# MatchingConfig.ready); partnerships never imports them.
focus_area_classifiers: list[Callable[[str], FocusAreaSuggestion | None]] = []


def register_focus_area_classifier(classifier: Callable[[str], FocusAreaSuggestion | None]) -> None:
    if classifier not in focus_area_classifiers:
        focus_area_classifiers.append(classifier)


def suggest_focus_area(text: str) -> FocusAreaSuggestion | None:
    """The first registered classifier's focus area for a partnership's text (None for too
    little text or when no classifier is installed)."""
    if len((text or "").strip(" .")) < 10:
        return None
    for classifier in focus_area_classifiers:
        suggestion = classifier(text[:5000])
        if suggestion is not None:
            return suggestion
    return None


@dataclass(frozen=True)
class PartnerTypeSuggestion:
    partner_type: str | None
    reason: str


def suggest_partner_type(participants: Iterable[tuple[Organisation, str]]) -> PartnerTypeSuggestion:
    actors = [(org, role) for org, role in participants if role != "authority"]
    if not actors:
        return PartnerTypeSuggestion(None, _("Ingen deltagere ud over myndighederne."))
    payers = [(o, r) for o, r in actors if o.kind == Kind.FOUNDATION]
    if len(payers) < len(actors):
        actors = [a for a in actors if a not in payers]
    market = civil = public = False
    for org, _role in actors:
        if org.kind == Kind.VOLUNTEER_GROUP:
            market = civil = True
        elif org.sector == Sector.MARKET:
            market = True
        elif org.sector == Sector.CIVIL_SOCIETY:
            civil = True
        else:
            public = True
    if market and civil:
        return PartnerTypeSuggestion(
            PartnerType.CROSS_SECTOR, _("Både markedsaktører og civilsamfundsaktører deltager.")
        )
    if market:
        return PartnerTypeSuggestion(
            PartnerType.MARKET,
            _(
                "Markedsaktører deltager (evt. sammen med offentlige videninstitutioner), "
                "men ingen civilsamfundsaktører."
            ),
        )
    if civil:
        return PartnerTypeSuggestion(
            PartnerType.CIVIL_SOCIETY, _("Civilsamfundsaktører deltager, men ingen markedsaktører.")
        )
    assert public
    return PartnerTypeSuggestion(
        PartnerType.CROSS_SECTOR,
        _("Kun offentlige aktører: samarbejde på tværs af sundhedsvæsenets sektorer."),
    )
