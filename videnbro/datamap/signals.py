"""Seams through which higher apps add to the data map's pages without the data map importing
them (docs/architecture.md, "Layers and plug-in seams")."""

from typing import Any, TypedDict

from django.dispatch import Signal


class PageSection(TypedDict, total=False):
    """What a `dataset_page_sections` receiver returns (`order` defaults to 100)."""

    template: str
    context: dict[str, Any]
    order: int


# Sent by the dataset page with `sender=Dataset, dataset=<Dataset>, request=<HttpRequest>`.
# Each receiver returns a section to show on the page, or None for nothing:
# `{"template": str, "context": dict, "order": int}`. The page renders each template with its
# context (and the request's context processors) and shows the sections by `order`, lowest
# first (100 when not given); sections of equal order keep the order of the receivers.
# Receivers connect in their AppConfig.ready() (the broker lists a dataset's approved uses).
dataset_page_sections = Signal()
