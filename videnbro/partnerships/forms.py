"""Web forms for partnerships and evaluations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from videnbro.core.forms import StrictBooleanField
from videnbro.registry.models import Region

from .models import EvaluationKind, ParticipantRole, Status
from .taxonomy import FocusArea, PartnerType


class PartnershipForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    focus_area = forms.ChoiceField(
        label=_("Fokusområde"), required=False, choices=[("", "—"), *FocusArea.choices]
    )
    partner_type = forms.ChoiceField(
        label=_("Partnertype"),
        required=False,
        choices=[("", _("Foreslå ud fra deltagerne")), *PartnerType.choices],
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.ACTIVE)
    start = forms.DateField(label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Slut"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    regions = forms.ModelMultipleChoiceField(
        label=_("Regioner"),
        required=False,
        queryset=Region.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    is_national = StrictBooleanField(label=_("Nationalt"), required=False)
    participants = forms.CharField(
        label=_("Deltagere"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Én pr. linje: navn; rolle; note. Fx »Grundfos; partner« eller "
            "»Dansk Industri; partner; 43 virksomheder«. Roller: lead, partner, funder, "
            "authority, secretariat, recipient."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns (the stubs allow None)
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatoen ligger før startdatoen."))
        return data

    def parsed_participants(self) -> list[tuple[str, str, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data.get("participants", "").splitlines(), 1):
            parts = [p.strip() for p in line.split(";")]
            if not parts or not parts[0]:
                continue
            role = parts[1] if len(parts) > 1 and parts[1] else ParticipantRole.PARTNER
            if role not in ParticipantRole.values:
                raise forms.ValidationError(
                    _("Linje %(n)s: ukendt rolle »%(role)s«.") % {"n": number, "role": role}
                )
            rows.append((parts[0], role, parts[2] if len(parts) > 2 else ""))
        return rows


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=EvaluationKind.choices)
    date = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.CharField(
        label=_("Metode"), max_length=300, help_text=_("Fx interviews, spørgeskema, registerdata.")
    )
    findings = forms.CharField(label=_("Resultater"), widget=forms.Textarea(attrs={"rows": 4}))
    rating = forms.TypedChoiceField(
        label=_("Vurdering"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(i, str(i)) for i in range(1, 6)],
    )
