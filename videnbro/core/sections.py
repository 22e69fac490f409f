"""Page sections that higher apps add to lower apps' pages (pretix-style plug-in points).

A lower app declares a Django signal for a page ("what else to show on an organisation page")
and sends it with `page_sections(signal, sender=..., request=..., **objects)`. A higher app
connects a receiver in its `AppConfig.ready()` that returns `{"template": str, "context": dict,
"order": int}` (or None to add nothing). The sections are rendered in `order` and handed to the
template as HTML, so the lower app never imports the higher one.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

from django.dispatch import Signal
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


class PageSection(TypedDict, total=False):
    """What a page-section receiver returns (`order` defaults to 100)."""

    template: str
    context: dict[str, Any]
    order: int


def page_sections(signal: Signal, *, sender: Any, request: HttpRequest, **objects: Any) -> list[SafeString]:
    """Every receiver's section for this page, rendered, in ascending `order`."""
    # `Signal.send` is typed loosely (`Any` responses); receivers here return a PageSection or None.
    sections = [
        cast(PageSection, response)
        for _receiver, response in signal.send(sender=sender, request=request, **objects)
        if response
    ]
    sections.sort(key=lambda section: section.get("order", 100))
    return [
        SafeString(render_to_string(section["template"], section.get("context", {}), request=request))
        for section in sections
    ]
