from django import template

from ..models import AccessRequest, RequestPart

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """The display label of a request or part state ('in_review' → 'Under behandling')."""
    labels = {**dict(AccessRequest.Status.choices), **dict(RequestPart.Status.choices)}
    return labels.get(value, value)
