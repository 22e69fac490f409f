"""apply_errors: a service's field errors land on the form a person is looking at."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from videnbro.core.forms import apply_errors


class TitleForm(forms.Form):
    title = forms.CharField(max_length=5)


def test_it_field_errors_go_on_their_field_and_others_on_the_form():
    form = TitleForm({"title": "ok"})
    assert form.is_valid()
    apply_errors(form, ValidationError({"title": ["Optaget."], "owner": ["Ukendt."]}))
    assert form.errors["title"] == ["Optaget."]
    assert form.non_field_errors() == ["Ukendt."]


def test_it_a_message_the_form_already_shows_is_not_repeated_and_others_can_be_left_out():
    form = TitleForm({"title": "for lang titel"})
    assert not form.is_valid()
    shown = list(form.errors["title"])
    apply_errors(form, ValidationError({"title": shown, "datasets": ["Vælg et."]}), others_to_form=False)
    assert form.errors["title"] == shown
    assert not form.non_field_errors()


def test_it_an_error_without_fields_is_form_wide():
    form = TitleForm({"title": "ok"})
    form.is_valid()
    apply_errors(form, ValidationError("Noget gik galt."))
    assert form.non_field_errors() == ["Noget gik galt."]
