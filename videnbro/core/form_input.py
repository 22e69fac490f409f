"""API input that a Django form validates: the JSON object of the request, the unknown-field
check, and the serializer that documents the form's fields in the OpenAPI document – generated
from the form, so the documentation cannot drift from what the form accepts (issue 13 §3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.request import Request


def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON body as a plain dict (400 when it is not an object)."""
    if not isinstance(request.data, dict):
        raise ParseError(_("Forventede et JSON-objekt."))
    return {key: value for key, value in request.data.items()}


def refuse_unknown_fields(data: dict[str, Any], allowed: set[str]) -> None:
    """400 naming every field the endpoint does not take."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise serializers.ValidationError({name: [_("Ukendt felt.")] for name in unknown})


def form_choices(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    """The (code, label) pairs a choice field accepts (the blank "not chosen" option left out);
    the labels are the model's, so the OpenAPI enum is the one the output fields name."""
    choices: Any = field.choices
    return [(code, label) for code, label in choices if code != ""]


def input_field(field: forms.Field, help_text: str = "") -> serializers.Field:
    """The DRF field that documents what a form field accepts as JSON."""
    # The form's own help texts speak to a person at the web form; the API gets its own.
    common: dict[str, Any] = {"required": field.required}
    if help_text:
        common["help_text"] = help_text
    if isinstance(field, forms.ModelChoiceField):  # a record by its key (many: a list of keys)
        model: Any = getattr(field.queryset, "model", None)
        key = f"{getattr(model, '__name__', 'Record')} {field.to_field_name or 'id'}"
        if isinstance(field, forms.ModelMultipleChoiceField):
            common.setdefault("help_text", f"{key}s")
            return serializers.ListField(child=serializers.CharField(), **common)
        common.setdefault("help_text", key)
        return serializers.CharField(**common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.ChoiceField(choices=form_choices(field)), **common)
    if isinstance(field, forms.TypedChoiceField) and field.coerce is int:
        return serializers.ChoiceField(
            choices=[(int(code), label) for code, label in form_choices(field)], **common
        )
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=form_choices(field), **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places, **common
        )
    if isinstance(field, forms.IntegerField):
        for bound in ("min_value", "max_value"):
            if getattr(field, bound) is not None:
                common[bound] = getattr(field, bound)
        return serializers.IntegerField(**common)
    # Text: an e-mail address, a CharField, or a custom text field (a municipality by code or name).
    max_length = getattr(field, "max_length", None)
    if max_length is not None:
        common["max_length"] = max_length
    if isinstance(field, forms.EmailField):
        return serializers.EmailField(**common)
    return serializers.CharField(**common)


def input_serializer(
    name: str,
    form_class: type[forms.Form],
    *,
    only: tuple[str, ...] | None = None,
    extra: dict[str, serializers.Field] | None = None,
    help_texts: dict[str, str] | None = None,
    doc: str = "",
) -> type[serializers.Serializer]:
    """A serializer class documenting the form's fields (or `only` those) plus `extra` fields
    the endpoint reads itself. It documents; the form validates."""
    help_texts = help_texts or {}
    fields: dict[str, Any] = {
        field_name: input_field(field, help_texts.get(field_name, ""))
        for field_name, field in form_class.base_fields.items()
        if only is None or field_name in only
    }
    fields.update(extra or {})
    module = form_class.__module__.rsplit(".", 1)[0] + ".serializers"
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc, "__module__": module})
