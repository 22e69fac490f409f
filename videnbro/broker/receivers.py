"""What the data entry point adds to lower apps' pages, through their signals (connected in
BrokerConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from videnbro.core.sections import PageSection
from videnbro.datamap.models import Dataset

from .selectors import approved_uses_of

APPROVED_USES_SHOWN = 20
APPROVED_USES_ORDER = 50


def approved_uses_section(
    sender: type[Dataset], dataset: Dataset, request: HttpRequest | None = None, **kwargs: Any
) -> PageSection | None:
    """The dataset page's "approved uses": register entries covering the dataset (none: no
    section)."""
    uses = list(approved_uses_of(dataset)[:APPROVED_USES_SHOWN])
    if not uses:
        return None
    return {
        "template": "broker/dataset_section_uses.html",
        "context": {"approved_uses": uses},
        "order": APPROVED_USES_ORDER,
    }
