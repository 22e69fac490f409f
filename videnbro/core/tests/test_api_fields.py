"""The coded-value convention: code in the field, {"da", "en"} labels beside it."""

from types import SimpleNamespace

from django.db import models
from rest_framework import serializers

from videnbro.core.api_fields import LabelField, LabelListField, term_labels

FOCUS_AREA_BY_SLUG = {"ppe": SimpleNamespace(da="Værnemidler", en="Protective equipment")}


class Colour(models.TextChoices):
    RED = "red", "Rød"


class Thing(serializers.Serializer):
    colour = serializers.CharField()
    colour_label = LabelField(source="colour", choices=Colour)
    areas_label = LabelListField(source="areas", lookup=term_labels(FOCUS_AREA_BY_SLUG))


def test_it_sends_the_code_with_danish_and_english_labels():
    slug = next(iter(FOCUS_AREA_BY_SLUG))
    term = FOCUS_AREA_BY_SLUG[slug]
    data = Thing({"colour": "red", "areas": [slug]}).data
    assert data["colour"] == "red"
    assert data["colour_label"] == {"da": "Rød", "en": "Rød"}
    assert data["areas_label"] == [{"da": term.da, "en": term.en}]


def test_it_sends_null_for_an_empty_code():
    assert Thing({"colour": "", "areas": []}).data["colour_label"] is None
