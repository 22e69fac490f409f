from django import template

from ..models import state_label as label

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """The display label of a request or part state ('in_review' → 'Under behandling')."""
    return label(value)
