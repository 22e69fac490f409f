"""The API's one convention for coded values (docs/api.md, "Conventions").

Every coded value – a status, a kind, a focus area, a partner type, a region – is sent as its
stable code (a slug) in the field named after the concept, with ``<field>_label`` beside it: an
object with the Danish and the English label, ``{"da": "Værnemidler", "en": "Protective
equipment"}``. Clients filter and store the code and show the label in their own language; no
client has to map codes to words, and no label is ever the key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Choices
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

LANGUAGES = ("da", "en")

LABELS_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "The code's label in Danish and English.",
    "properties": {"da": {"type": "string"}, "en": {"type": "string"}},
    "required": ["da", "en"],
}


def labels_of(label: Any) -> dict[str, str]:
    """A (lazy) translatable label in each interface language."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(label)
    return result


def choice_labels(
    choices: type[Choices] | Iterable[tuple[str, Any]],
) -> Callable[[str], dict[str, str] | None]:
    """A lookup code → {"da", "en"} for a Django choices class or (code, lazy label) pairs."""
    pairs = choices.choices if isinstance(choices, type) and issubclass(choices, Choices) else choices
    table = {str(code): label for code, label in pairs}

    def lookup(code: str) -> dict[str, str] | None:
        return labels_of(table[code]) if code in table else None

    return lookup


def term_labels(by_slug: dict[str, Any]) -> Callable[[str], dict[str, str] | None]:
    """A lookup for taxonomy terms with ``.da`` and ``.en`` attributes (the CBS taxonomy)."""

    def lookup(code: str) -> dict[str, str] | None:
        term = by_slug.get(code)
        return {"da": term.da, "en": term.en} if term is not None else None

    return lookup


@extend_schema_field(LABELS_SCHEMA)
class LabelField(serializers.Field):
    """Read-only ``<field>_label``: ``LabelField(source="status", choices=Offer.Status)`` or
    ``LabelField(source="focus_area", lookup=term_labels(FOCUS_AREA_BY_SLUG))``."""

    def __init__(
        self,
        *,
        choices: type[Choices] | Iterable[tuple[str, Any]] | None = None,
        lookup: Callable[[str], dict[str, str] | None] | None = None,
        **kwargs: Any,
    ) -> None:
        if (choices is None) == (lookup is None):
            raise TypeError("LabelField needs exactly one of choices= or lookup=")
        self.lookup = lookup or choice_labels(choices)  # type: ignore[arg-type]
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str] | None:
        if value in (None, ""):
            return None
        return self.lookup(str(value))


@extend_schema_field({"type": "array", "items": LABELS_SCHEMA})
class LabelListField(LabelField):
    """``<field>_label`` for a list of codes: one label object per code, in the same order."""

    def to_representation(self, value: Any) -> list[dict[str, str] | None]:  # type: ignore[override]
        return [self.lookup(str(code)) for code in value or []]
