"""Stable, readable record keys (slugs) that never collide."""

from __future__ import annotations

from typing import Any

from django.db import models

from videnbro.core.text import slugify_key


def unique_key(
    model: type[models.Model], text: str, *, fallback: str, max_length: int = 110, field: str = "key"
) -> str:
    """'Københavns Universitet' → 'koebenhavns-universitet', or '…-2' when that is taken."""
    base = slugify_key(text)[:max_length] or fallback
    key, n = base, 2
    while model._default_manager.filter(**{field: key}).exists():
        key, n = f"{base}-{n}", n + 1
    return key


MAX_ID_DIGITS = 18  # fits a 64-bit integer column on every database


def numeric_id(value: object) -> int | None:
    """The database id written in `value` ("42"), or None for anything else – also for
    Unicode digits ("²") and numbers too long for an id column."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None


def by_id_or_key(
    queryset: models.QuerySet[Any] | models.Manager[Any], value: object, *, field: str = "key"
) -> Any:
    """The record named by its numeric id or by its key (filters and API input accept
    both), or None."""
    text = str(value or "").strip()
    pk = numeric_id(text)
    lookup = {"pk": pk} if pk is not None else {field: text}
    return queryset.filter(**lookup).first()


REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def random_reference(prefix: str) -> str:
    """A reference a person can read out on the phone: 'TB-7KQ2-M9XD'."""
    import secrets

    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"
