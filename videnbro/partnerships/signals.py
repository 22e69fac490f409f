"""Signals other apps listen to (search reindex); sent by services inside the writing
transaction."""

from django.dispatch import Signal

# Sent with `partnership_ids: list[int]` after partnerships were created or changed.
partnerships_changed = Signal()
