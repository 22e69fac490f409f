"""Web forms for organisations; they parse input, the service applies the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import OrganisationFilter
from .models import Organisation

__all__ = ["OrganisationFilter", "OrganisationForm"]


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Hjemmeside"), required=False, assume_scheme="https",
                             max_length=300)
    aliases = forms.CharField(
        label=_("Aliaser og forkortelser"), required=False,
        help_text=_("Adskil med | (fx »KU | UCPH«)."),
    )
    competences_text = forms.CharField(
        label=_("Kompetencer"), required=False, help_text=_("Adskil med |."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name", "name_en", "kind", "sector", "cvr", "municipality", "website", "size_band",
            "description", "parent",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].required = False
        self.fields["sector"].help_text = _("Tom: udledes af typen.")
        self.fields["parent"].queryset = Organisation.objects.order_by("name")
        if self.instance.pk:
            self.fields["aliases"].initial = " | ".join(
                self.instance.aliases.values_list("name", flat=True)
            )
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
