"""Signals other apps listen to (e.g. search reindex); sent by services inside the writing
transaction, so receivers must only do database work that belongs with the write."""

from django.dispatch import Signal

# Sent with `organisation_ids: list[int]` after organisations were created, changed or merged.
organisations_changed = Signal()
