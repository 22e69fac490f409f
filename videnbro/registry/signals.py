"""Signals other apps listen to (e.g. search reindex); sent after commit by services."""

from django.dispatch import Signal

# Sent with `organisation_ids: list[int]` after organisations were created, changed or merged.
organisations_changed = Signal()
