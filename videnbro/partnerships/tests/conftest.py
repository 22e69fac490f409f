"""Fixtures for the partnership tests: seeded partnerships by CBS number or key."""

from __future__ import annotations

import csv

import pytest

from videnbro.partnerships.models import Partnership
from videnbro.partnerships.seeding import SEED_DIR


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEED_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


CBS_ROWS = read_seed("cbs_partnerships.csv")


@pytest.fixture
def cbs(seeded):
    """A CBS partnership by its number: `cbs(54)`."""

    def get(number: int) -> Partnership:
        return Partnership.objects.get(cbs_number=number)

    return get


@pytest.fixture
def partnership(seeded):
    """A partnership by its key: `partnership("data-redder-liv")`."""

    def get(key: str) -> Partnership:
        return Partnership.objects.get(key=key)

    return get
