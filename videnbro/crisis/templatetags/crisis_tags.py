"""Template filters of the crisis pages."""

from django import template

from videnbro.crisis.models import Offer
from videnbro.crisis.taxonomy import Skill

register = template.Library()


@register.filter
def fields(form, names: str):
    """The bound fields named in a space-separated list, in that order."""
    return [form[name] for name in names.split() if name in form.fields]


@register.filter
def offer_status_label(code: str) -> str:
    """An offer status by its translated name (the trail stores codes; a user never sees one)."""
    return str(Offer.Status(code).label) if code in Offer.Status.values else code


@register.filter
def skill_labels(codes) -> str:
    """Skills by their translated names, comma-separated (stored as codes)."""
    return ", ".join(str(Skill(code).label) if code in Skill.values else code for code in codes or [])
