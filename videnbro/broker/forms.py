"""One validator for the web form and the API: the project fields of an access request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessRequest

PROJECT_FIELDS = [
    "project_title",
    "purpose",
    "description",
    "legal_basis",
    "period_from",
    "period_to",
    "population",
    "environment",
    "sandbox",
    "funding",
]
REQUIRED_TO_SUBMIT = ["purpose", "legal_basis"]


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = PROJECT_FIELDS
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "population": forms.Textarea(attrs={"rows": 2}),
            "funding": forms.Textarea(attrs={"rows": 2}),
            "period_from": forms.DateInput(attrs={"type": "date"}),
            "period_to": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "purpose": _(
                "Hvad skal data bruges til? Vises i det offentlige register, hvis ansøgningen godkendes."
            ),
            "legal_basis": _(
                "Fx databeskyttelsesforordningens art. 6, stk. 1, litra e, og "
                "art. 9, stk. 2, litra j, sammen med databeskyttelseslovens § 10."
            ),
            "period_from": _("Den periode, I ønsker adgang til data."),
            "population": _("Hvem skal indgå, fx alle født i Danmark 1990–2020."),
        }

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("Slutdatoen ligger før startdatoen."))
        if cleaned.get("environment") == AccessRequest.Environment.SANDBOX and not cleaned.get("sandbox"):
            self.add_error("sandbox", _("Vælg hvilken sandkasse."))
        return cleaned
