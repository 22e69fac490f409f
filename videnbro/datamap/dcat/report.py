"""The report of a DCAT import: what was created, updated, left unchanged and skipped (with
the reason), printed by `videnbro import dcat`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


class SkipDataset(Exception):
    """One dataset of the source cannot be taken over; the message says why."""


@dataclass
class ImportReport:
    """What an import did, by dataset key (skipped: by the source's subject, with the reason)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (dataset, reason)
    organisations_created: list[str] = field(default_factory=list)
    access_routes_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # values left out, with the reason

    def summary(self) -> str:
        text = (
            f"created {len(self.created)}, updated {len(self.updated)}, unchanged "
            f"{len(self.unchanged)}, skipped {len(self.skipped)}"
        )
        if self.organisations_created:
            text += f"; {len(self.organisations_created)} organisation(s) created"
        if self.access_routes_created:
            text += f"; {len(self.access_routes_created)} access route(s) created"
        return text


def skip_reason(exc: Exception) -> str:
    """The reason a dataset was skipped, in one line."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
        return "; ".join(exc.messages)
    return str(exc)
