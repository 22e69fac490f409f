"""Signals other apps listen to (e.g. search reindex); sent by services inside the writing
transaction, so receivers must only do database work that belongs with the write."""

from django.dispatch import Signal

# Sent with `organisation_ids: list[int]` after organisations were created, changed or merged.
organisations_changed = Signal()

# Sent by the organisation page with `organisation: Organisation` and `request: HttpRequest`;
# receivers return a section (see `core.sections.page_sections`) or None. The partnerships app
# adds the organisation's partnerships and partners.
organisation_page_sections = Signal()
