"""Signals other apps listen to (search reindex); sent after commit by services."""

from django.dispatch import Signal

# Sent with `partnership_ids: list[int]` after partnerships were created or changed.
partnerships_changed = Signal()
