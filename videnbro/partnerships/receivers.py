"""What the partnerships app adds to lower apps' pages (connected in PartnershipsConfig.ready)."""

from __future__ import annotations

from typing import Any

from videnbro.registry.models import Organisation

from .selectors import organisation_partnerships


def organisation_section(sender: type, organisation: Organisation, **kwargs: Any) -> dict[str, Any]:
    """The organisation page's "Partnerships" card: its partnerships and who it worked with."""
    return {
        "template": "partnerships/organisation_section.html",
        "context": {"partnerships": organisation_partnerships(organisation)},
        "order": 10,
    }
