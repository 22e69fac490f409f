"""CBS's taxonomy (Munksgaard 2020): the ten focus areas and three partner types.

The Danish labels are CBS's exact wording and are the keys of the landscape API; the English
labels are ours. Stored values are stable slugs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    slug: str
    da: str
    en: str


FOCUS_AREAS: tuple[Term, ...] = (
    Term("ppe", "Produktion af værnemidler/håndsprit", "Production of protective equipment/hand sanitiser"),
    Term("test", "Test", "Testing"),
    Term("vaccine_research", "Vaccineforskning", "Vaccine research"),
    Term("patient_treatment", "Patientbehandling", "Patient treatment"),
    Term("health_communication", "Sundhedskommunikation", "Health communication"),
    Term("vulnerable_groups", "Hjælp til udsatte grupper", "Help for vulnerable groups"),
    Term("workforce", "Arbejdskraft/organisering", "Workforce/organisation"),
    Term("contact_tracing", "Smittesporing", "Contact tracing"),
    Term("hospital_beds", "Sengepladser", "Hospital beds"),
    Term("spread_of_infection", "Smittespredning", "Spread of infection"),
)

PARTNER_TYPES: tuple[Term, ...] = (
    Term("market", "Markedsaktører", "Market actors"),
    Term("civil_society", "Civilsamfundsaktører", "Civil-society actors"),
    Term("cross_sector", "Tværsektorielt samarbejde", "Cross-sector collaboration"),
)

FOCUS_AREA_BY_SLUG = {t.slug: t for t in FOCUS_AREAS}
PARTNER_TYPE_BY_SLUG = {t.slug: t for t in PARTNER_TYPES}


def _lookup(terms: tuple[Term, ...], value: str) -> Term | None:
    value = (value or "").strip()
    for term in terms:
        if value.casefold() in (term.slug, term.da.casefold(), term.en.casefold()):
            return term
    return None


def focus_area_term(value: str) -> Term | None:
    """Accepts a slug, the exact CBS label or the English label."""
    return _lookup(FOCUS_AREAS, value)


def partner_type_term(value: str) -> Term | None:
    return _lookup(PARTNER_TYPES, value)


class FocusArea(models.TextChoices):
    PPE = "ppe", _("Produktion af værnemidler/håndsprit")
    TEST = "test", _("Test")
    VACCINE_RESEARCH = "vaccine_research", _("Vaccineforskning")
    PATIENT_TREATMENT = "patient_treatment", _("Patientbehandling")
    HEALTH_COMMUNICATION = "health_communication", _("Sundhedskommunikation")
    VULNERABLE_GROUPS = "vulnerable_groups", _("Hjælp til udsatte grupper")
    WORKFORCE = "workforce", _("Arbejdskraft/organisering")
    CONTACT_TRACING = "contact_tracing", _("Smittesporing")
    HOSPITAL_BEDS = "hospital_beds", _("Sengepladser")
    SPREAD_OF_INFECTION = "spread_of_infection", _("Smittespredning")


class PartnerType(models.TextChoices):
    MARKET = "market", _("Markedsaktører")
    CIVIL_SOCIETY = "civil_society", _("Civilsamfundsaktører")
    CROSS_SECTOR = "cross_sector", _("Tværsektorielt samarbejde")


assert [c.value for c in FocusArea] == [t.slug for t in FOCUS_AREAS]
assert [c.value for c in PartnerType] == [t.slug for t in PARTNER_TYPES]


CBS_FILE = Path(__file__).resolve().parent / "seed_data" / "cbs_partnerships.csv"


def cbs_coded_texts() -> list[tuple[str, str]]:
    """CBS 2020, Bilag 1: ("title. description", focus-area slug) for each of the 62 coded
    partnerships – the examples the taxonomy was made from (the classifier trains on them)."""
    texts = []
    with CBS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            term = focus_area_term(row["focus_area"])
            assert term is not None, f"unknown focus area in {CBS_FILE.name}: {row['focus_area']!r}"
            texts.append((f"{row['title']}. {row['description']}", term.slug))
    return texts
