"""Seams through which higher apps add to the data map's pages without the data map importing
them (docs/architecture.md, "Plug-in points")."""

from django.dispatch import Signal

# Sent by the dataset page with `sender=Dataset, dataset=<Dataset>, request=<HttpRequest>`.
# Each receiver returns a section to show on the page, or None for nothing:
# `{"template": str, "context": dict, "order": int}`. The page renders each template with its
# context (and the request's context processors) and shows the sections by `order`, lowest
# first (100 when not given); sections of equal order keep the order of the receivers.
# Receivers connect in their AppConfig.ready() (the broker lists a dataset's approved uses).
dataset_page_sections = Signal()
