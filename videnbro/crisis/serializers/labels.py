"""Labels of the crisis API's coded values that are not choices: focus areas (the CBS
taxonomy) and places (a region by slug, a municipality by code)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videnbro.core.api_fields import LABELS_SCHEMA, term_labels
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG

focus_area_labels = term_labels(FOCUS_AREA_BY_SLUG)


def place_labels(place: Any) -> dict[str, str] | None:
    """{"da", "en"} of a Region (``name``/``name_en``) or Municipality (one name)."""
    if place is None:
        return None
    return {"da": place.name, "en": getattr(place, "name_en", "") or place.name}


@extend_schema_field(LABELS_SCHEMA)
class PlaceLabelField(serializers.Field):
    """``region_label``/``municipality_label`` from the related object (no extra query when
    the view selects it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str] | None:
        return place_labels(value)


@extend_schema_field({"type": "array", "items": LABELS_SCHEMA})
class PlaceLabelListField(PlaceLabelField):
    """``regions_label``/``municipalities_label`` of a many-to-many (prefetched by the view)."""

    def to_representation(self, value: Any) -> list[dict[str, str] | None]:  # type: ignore[override]
        return [place_labels(place) for place in value.all()]
