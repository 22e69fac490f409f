"""Helpers shared by the web views' forms."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

# What a checkbox may send: a browser sends its value ("on") when ticked and nothing when not;
# the API hands JSON true/false over as Python booleans. Anything else ("nej", "no", "maybe")
# is refused rather than read as yes – a volunteer's consent is their legal basis.
_CHECKED = {True, "on", "true", "True", "1"}
_UNCHECKED = {False, "", "false", "False", "0"}


class StrictCheckboxInput(forms.CheckboxInput):
    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        if name not in data:
            return False
        value = data.get(name)
        if value in _CHECKED:
            return True
        if value in _UNCHECKED:
            return False
        return value  # refused by StrictBooleanField


class StrictBooleanField(forms.BooleanField):
    """A checkbox that is ticked or not: other values are a field error, never a yes."""

    widget = StrictCheckboxInput
    default_error_messages = {"invalid": gettext_lazy("Skal være afkrydset eller ej.")}

    def to_python(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def validation_error(form: forms.BaseForm) -> ValidationError:
    """A bound form's errors as the ValidationError services raise (field → messages)."""
    return ValidationError({field: [str(m) for m in messages] for field, messages in form.errors.items()})


def apply_errors(form: forms.BaseForm, exc: ValidationError, *, others_to_form: bool = True) -> None:
    """A service's ValidationError onto the bound form it came from: each field's messages
    on that field (a message the form already shows is not repeated); messages for names
    the form lacks become form-wide errors, or are left to the caller (`others_to_form=False`,
    when the page shows them elsewhere)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, texts in exc.message_dict.items():
        if field not in form.fields and not others_to_form:
            continue
        target = field if field in form.fields else None
        shown: Sequence[Any] = form.errors.get(field if target else "__all__", [])
        new = [text for text in texts if text not in shown]
        if new:
            form.add_error(target, new)


def form_errors_to_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    """For small inline forms that redirect back: each field error becomes a message."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def handle_inline_form(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[dict[str, Any]], object], success: str
) -> bool:
    """Validate a small inline form, call `save(cleaned_data)` (a service call) and report the
    outcome as a message; service validation errors become error messages, nothing is lost."""
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


@contextmanager
def report_errors(request: HttpRequest, *, reraise_forbidden: bool = True) -> Iterator[None]:
    """Run a service call from a POST-and-redirect view: a refused write becomes an error
    message on the next page (nothing is lost: the service wrote nothing); a permission error
    still raises, so it becomes a 403 page."""
    from .errors import ApplicationError

    try:
        yield
    except ApplicationError as exc:
        if reraise_forbidden and exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
