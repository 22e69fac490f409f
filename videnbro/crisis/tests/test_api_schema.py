"""The OpenAPI input of the form-validated crisis endpoints is generated from the forms that
validate it (issue 13 §3): its properties are the form's fields (plus what the endpoint reads
itself) and every enum is the form's choices, so the documentation cannot drift."""

from __future__ import annotations

import pytest

from videnbro.crisis import services
from videnbro.crisis.forms import IncidentForm, NeedForm, OfferForm, VolunteerForm


@pytest.fixture(scope="module")
def components():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def _resolve(components, prop: dict) -> dict:
    for key in ("allOf", "oneOf"):
        if key in prop:
            prop = next(p for p in prop[key] if "$ref" in p)
    if "$ref" in prop:
        return components[prop["$ref"].rsplit("/", 1)[1]]
    return prop


def _enum(components, prop: dict) -> list | None:
    prop = _resolve(components, prop)
    if prop.get("type") == "array":
        prop = _resolve(components, prop["items"])
    return prop.get("enum")


def _form_choices(field) -> list | None:
    from django import forms

    if not isinstance(field, forms.ChoiceField) or isinstance(field, forms.ModelChoiceField):
        return None
    choices = field.choices
    codes = [code for code, _label in choices if code != ""]
    return [int(c) for c in codes] if getattr(field, "coerce", None) is int else codes


@pytest.mark.parametrize(
    ("component", "form", "only", "extra"),
    [
        ("IncidentInputRequest", IncidentForm, None, set()),
        ("NeedInputRequest", NeedForm, None, {"owner"}),
        ("OfferInputRequest", OfferForm, None, set()),
        ("PatchedOfferUpdateInputRequest", OfferForm, set(services.OFFERER_FIELDS), {"note"}),
        ("VolunteerInputRequest", VolunteerForm, None, set()),
    ],
)
def test_it_documents_exactly_the_form_s_fields_and_choices(components, component, form, only, extra):
    schema = components[component]
    fields = {name: f for name, f in form.base_fields.items() if only is None or name in only}
    assert set(schema["properties"]) == set(fields) | extra
    # A PATCH requires nothing; the others require what the form requires.
    required = set() if component.startswith("Patched") else {n for n, f in fields.items() if f.required}
    assert set(schema.get("required", [])) == required
    for name, field in fields.items():
        assert _enum(components, schema["properties"][name]) == _form_choices(field), name


def test_it_documents_the_detail_fields_a_need_can_demand(components):
    props = components["OfferInputRequest"]["properties"]
    assert {"ce_marking", "standard", "delivery_days", "daily_capacity", "expiry_date"} <= set(props)
    assert _enum(components, props["terms"]) == ["donation", "price"]
