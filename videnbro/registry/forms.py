"""Web forms for organisations; they parse input, the service applies the rules."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import OrganisationFilter
from .models import Organisation, Period

__all__ = ["OrganisationFilter", "OrganisationForm"]


class OrganisationForm(forms.ModelForm):
    cvr = forms.CharField(
        label=_("CVR-nummer"), required=False, max_length=20, help_text=_("8 cifre, fx 24256790.")
    )
    website = forms.URLField(label=_("Hjemmeside"), required=False, assume_scheme="https", max_length=300)
    aliases = forms.CharField(
        label=_("Aliaser og forkortelser"),
        required=False,
        help_text=_("Adskil med | (fx »KU | UCPH«)."),
    )
    competences_text = forms.CharField(
        label=_("Kompetencer"),
        required=False,
        help_text=_("Adskil med |."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "name_en",
            "kind",
            "sector",
            "cvr",
            "municipality",
            "website",
            "size_band",
            "description",
            "parent",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].required = False
        self.fields["sector"].help_text = _("Tom: udledes af typen.")
        # A foreign key's form field (the base fields are typed as plain Field).
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        parent.queryset = Organisation.objects.order_by("name")
        if self.instance.pk:
            self.fields["aliases"].initial = " | ".join(self.instance.aliases.values_list("name", flat=True))
            self.fields["competences_text"].initial = " | ".join(
                self.instance.competences.values_list("name", flat=True)
            )

    def _post_clean(self):
        # Model validation (CVR, uniqueness, region rules) runs in the service.
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        split = lambda text: [p.strip() for p in (text or "").split("|") if p.strip()]  # noqa: E731
        data["aliases"] = split(data.pop("aliases"))
        data["competences"] = split(data.pop("competences_text"))
        data["cvr"] = data.get("cvr") or None
        return data


class CapacityForm(forms.Form):
    item = forms.CharField(
        label=_("Hvad"), max_length=200, help_text=_("Fx »visirer«, »testkapacitet«, »sengepladser«.")
    )
    quantity = forms.DecimalField(label=_("Mængde"), min_value=0, max_digits=14, decimal_places=2)
    unit = forms.CharField(
        label=_("Enhed"), max_length=50, required=False, help_text=_("Fx »stk.«, »liter«.")
    )
    per_period = forms.ChoiceField(label=_("Periode"), choices=Period.choices, initial=Period.TOTAL)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    title = forms.CharField(label=_("Stilling"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
