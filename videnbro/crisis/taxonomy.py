"""The crisis front door's fixed vocabularies: need items, the data a need can demand of an
offer, volunteer skills. Stored values are stable slugs; labels are Danish with English beside.

Items refine the CBS focus areas (partnerships.taxonomy) the way the 2020 requests did:
"3.000 visirer pr. dag" is an item (visors) in a focus area (protective equipment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from videnbro.core.text import fold

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Item:
    slug: str
    label: StrOrPromise
    focus_area: str
    unit: StrOrPromise
    keywords: tuple[str, ...]  # folded stems that identify the item in free text


ITEMS: tuple[Item, ...] = (
    Item("visors", _("Visirer"), "ppe", _("stk."), ("visir",)),
    Item("masks", _("Masker"), "ppe", _("stk."), ("maske", "mundbind", "ffp")),
    Item("gloves", _("Handsker"), "ppe", _("par"), ("handske",)),
    Item("gowns", _("Kitler"), "ppe", _("stk."), ("kittel", "kitler", "overtraek")),
    Item("hand_sanitiser", _("Håndsprit"), "ppe", _("liter"), ("handsprit", "desinfektion", "sprit")),
    Item("test_capacity", _("Testkapacitet"), "test", _("test"), ("test", "prove", "podning")),
    Item(
        "staff",
        _("Personale med kompetencer"),
        "workforce",
        _("personer"),
        ("personale", "sygeplejer", "laeg", "frivillig", "medarbejder", "assistent"),
    ),
    Item("beds", _("Sengepladser"), "hospital_beds", _("senge"), ("seng", "plads")),
    Item(
        "transport",
        _("Transport"),
        "vulnerable_groups",
        _("ture"),
        ("transport", "kørsel", "korsel", "bil", "levering"),
    ),
    Item(
        "communication",
        _("Formidling"),
        "health_communication",
        _("kampagner"),
        ("formidl", "kommunikation", "kampagne", "information", "oversaet"),
    ),
    Item("other", _("Andet"), "", "", ()),
)
ITEM_BY_SLUG = {item.slug: item for item in ITEMS}
ITEM_CHOICES = [(item.slug, item.label) for item in ITEMS]


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Kritisk")
    HIGH = "high", _("Høj")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Lav")


PRIORITY_RANK: dict[str, int] = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class OfferPeriod(models.TextChoices):
    DAY = "day", _("pr. dag")
    WEEK = "week", _("pr. uge")
    TOTAL = "total", _("i alt")


class Terms(models.TextChoices):
    DONATION = "donation", _("Donation")
    PRICE = "price", _("Mod betaling")


@dataclass(frozen=True)
class Requirement:
    """A piece of data a need demands of every offer. `field` is the offer form field that
    becomes required (a core field) or is added to the form (a detail field)."""

    slug: str
    label: StrOrPromise
    kind: str  # "core" (an existing offer field becomes required) or "bool"/"int"/"text"/"date"
    help: StrOrPromise = ""


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("quantity", _("Mængde og enhed"), "core"),
    Requirement("per_period", _("Mængde pr. periode (dag, uge, i alt)"), "core"),
    Requirement("available_from", _("Kan leveres fra (dato)"), "core"),
    Requirement("terms", _("Donation eller pris"), "core"),
    Requirement("certifications", _("Certificeringer"), "core"),
    Requirement("location", _("Lokation (kommune)"), "core"),
    Requirement("ce_marking", _("CE-mærket"), "bool", _("Bekræft, at produktet er CE-mærket.")),
    Requirement("standard", _("Standard (fx EN 14683, EN 166)"), "text"),
    Requirement("delivery_days", _("Leveringstid i dage"), "int"),
    Requirement("daily_capacity", _("Kapacitet pr. dag"), "int"),
    Requirement("expiry_date", _("Udløbsdato"), "date"),
    Requirement(
        "danish_authorisation",
        _("Dansk autorisation (sundhedspersonale)"),
        "bool",
        _("Bekræft, at personalet har dansk autorisation."),
    ),
)
REQUIREMENT_BY_SLUG = {r.slug: r for r in REQUIREMENTS}
REQUIREMENT_CHOICES = [(r.slug, r.label) for r in REQUIREMENTS]
CORE_REQUIREMENTS = {r.slug for r in REQUIREMENTS if r.kind == "core"}
DETAIL_REQUIREMENTS = tuple(r for r in REQUIREMENTS if r.kind != "core")


class Skill(models.TextChoices):
    NURSE = "nurse", _("Sygeplejerske")
    DOCTOR = "doctor", _("Læge")
    HEALTH_CARE_ASSISTANT = "sosu", _("Social- og sundhedsassistent/-hjælper")
    MEDICAL_STUDENT = "medical_student", _("Medicin- eller sygeplejestuderende")
    BIOMEDICAL_LAB = "bioanalyst", _("Bioanalytiker")
    PHARMACY = "pharmacy", _("Farmaceut/farmakonom")
    PARAMEDIC = "paramedic", _("Ambulancebehandler/paramediciner")
    DRIVER = "driver", _("Chauffør")
    LOGISTICS = "logistics", _("Logistik og lager")
    INTERPRETER = "interpreter", _("Tolk/oversætter")
    IT = "it", _("IT")
    CARE_VISITS = "visiting", _("Besøgsven/praktisk hjælp")
    GENERAL = "general", _("Generel hjælp")


# Skills whose holders must have a Danish authorisation (autorisation fra Styrelsen for
# Patientsikkerhed) to work as such; the register records the volunteer's own statement.
AUTHORISED_SKILLS = {
    Skill.NURSE,
    Skill.DOCTOR,
    Skill.HEALTH_CARE_ASSISTANT,
    Skill.BIOMEDICAL_LAB,
    Skill.PHARMACY,
    Skill.PARAMEDIC,
}


def item_for_text(text: str) -> str:
    """The item slug whose keyword occurs in the folded text, or "" when none does."""
    folded = fold(text)
    for item in ITEMS:
        if any(keyword in folded for keyword in item.keywords):
            return item.slug
    return ""
