"""What the matching app adds to lower apps' pages (connected in MatchingConfig.ready)."""

from __future__ import annotations

from typing import Any

from videnbro.registry.models import Organisation


def organisation_section(sender: type, organisation: Organisation, **kwargs: Any) -> dict[str, Any]:
    """The organisation page's "Suggested partners" card (loaded by htmx when shown)."""
    return {
        "template": "matching/organisation_section.html",
        "context": {"organisation": organisation},
        "order": 20,
    }


def classify_partnership_text(text: str) -> Any:
    """The focus-area classifier for partnerships (registered with partnerships.rules)."""
    # Function-level import: scikit-learn is heavy and only needed when a partnership is
    # created without a focus area, so it is not loaded at start-up.
    from .classifier import classify

    return classify(text)
