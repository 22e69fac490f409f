"""The strict JSON input layer of the API: a parser that refuses what the database or a form
cannot take (lone surrogates, absurd nesting) and type checks for the endpoints whose input a
Django form validates (a form coerces anything to text, so a list became its Python repr and
"nej" a yes). Every wrong type is a 400 naming the field, never a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_lone_surrogate(text: str) -> bool:
    # JSON's "\ud800" escape decodes to a code point UTF-8 cannot encode.
    return any("\ud800" <= char <= "\udfff" for char in text)


def _contains_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def lone_surrogate_field(data: Any) -> str | None:
    """The top-level field whose name or value holds a lone surrogate anywhere inside
    ("non_field_errors" for a body that is not an object), else None."""
    if isinstance(data, dict):
        for key, value in data.items():
            if _contains_lone_surrogate(key):
                return "non_field_errors"
            if _contains_lone_surrogate(value):
                return key
        return None
    return "non_field_errors" if _contains_lone_surrogate(data) else None


class StrictJSONParser(JSONParser):
    """JSON whose strings are all valid Unicode text (the default parser of the API)."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON-dokumentet er for dybt indlejret.")) from None
        field = lone_surrogate_field(data)
        if field is not None:
            raise serializers.ValidationError(
                {field: [_("Indeholder et ugyldigt tegn (en enlig surrogat).")]}
            )
        return data


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_error(field: forms.Field, value: Any) -> str | None:
    """The message for a JSON value of the wrong type for this form field, else None."""
    if isinstance(field, forms.BooleanField):  # NullBooleanField is a subclass
        return None if isinstance(value, bool) else _("Skal være true eller false.")
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        items = value if isinstance(value, list) else [value]
        if all(isinstance(item, str) or _is_number(item) for item in items):
            return None
        return _("Skal være en liste af tekster.")
    if isinstance(
        field,
        forms.IntegerField
        | forms.DecimalField
        | forms.FloatField
        | forms.TypedChoiceField
        | forms.ModelChoiceField,
    ):
        return None if isinstance(value, str) or _is_number(value) else _("Skal være et tal.")
    if isinstance(
        field, forms.CharField | forms.DateField | forms.DateTimeField | forms.TimeField | forms.ChoiceField
    ):
        return None if isinstance(value, str) else _("Skal være tekst.")
    # Other fields (e.g. a municipality by code or name): one text or number.
    return None if isinstance(value, str) or _is_number(value) else _("Skal være tekst.")


def check_form_types(
    data: dict[str, Any], fields: dict[str, forms.Field], text_fields: tuple[str, ...] = ()
) -> None:
    """Raise a 400 naming every field whose JSON value has the wrong type for its form field.
    Fields the form does not know are left to the caller (unknown-field check); None is
    "not given". `text_fields` are extra free-text fields outside the form (e.g. a note)."""
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if value is None:
            continue
        if name in text_fields:
            message = None if isinstance(value, str) else _("Skal være tekst.")
        elif name in fields:
            message = _type_error(fields[name], value)
        else:
            continue
        if message:
            errors[name] = [message]
    if errors:
        raise serializers.ValidationError(errors)


def form_data(data: dict[str, Any], fields: dict[str, forms.Field]) -> MultiValueDict[str, Any]:
    """Type-checked JSON as a form's data: lists become the form's multiple values."""
    check_form_types(data, fields)
    multi: MultiValueDict[str, Any] = MultiValueDict()
    for key, value in data.items():
        if isinstance(value, list):
            multi.setlist(key, [str(v) for v in value])
        elif value is not None:
            multi[key] = value
    return multi


class StrictBooleanField(serializers.BooleanField):
    """A boolean from JSON true/false only ("no", "nej" or 0 is an error, not a guess)."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictCharField(serializers.CharField):
    """Text from a JSON string only (DRF would turn a number into text)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
