"""Stable, readable record keys (slugs) that never collide."""

from __future__ import annotations

from django.db import models

from videnbro.registry.text import slugify_key


def unique_key(model: type[models.Model], text: str, *, fallback: str, max_length: int = 110,
               field: str = "key") -> str:
    """'Københavns Universitet' → 'koebenhavns-universitet', or '…-2' when that is taken."""
    base = slugify_key(text)[:max_length] or fallback
    key, n = base, 2
    while model._default_manager.filter(**{field: key}).exists():
        key, n = f"{base}-{n}", n + 1
    return key


REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def random_reference(prefix: str) -> str:
    """A reference a person can read out on the phone: 'TB-7KQ2-M9XD'."""
    import secrets

    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"
