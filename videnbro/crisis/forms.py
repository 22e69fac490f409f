"""Forms of the crisis front door. `OfferForm` is the one validator for offers from the web
form and from `POST /api/v1/offers/`: the fields a need demands are generated from its
requirements and become required."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from videnbro.core.forms import StrictBooleanField
from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.models import Municipality, Organisation, Region
from videnbro.registry.validators import clean_cvr

from .models import Incident, IncidentKind, Need, Offer
from .selectors import open_needs
from .taxonomy import (
    DETAIL_REQUIREMENTS,
    ITEM_CHOICES,
    REQUIREMENT_CHOICES,
    OfferPeriod,
    Priority,
    Skill,
    Terms,
)

MAX_DESCRIPTION = 5000


def _cleaned(data: dict[str, Any] | None) -> dict[str, Any]:
    """`Form.clean()` returns `cleaned_data` (a dict); the stubs allow None for overrides."""
    return cast(dict[str, Any], data)


def municipality_lookup(value) -> Municipality | None:
    """A municipality by code ("101"), slug or name; None when blank."""
    value = str(value or "").strip()
    if not value:
        return None
    found = (
        Municipality.objects.filter(code=value.lstrip("0") or value).first()
        or Municipality.objects.filter(slug=value).first()
        or Municipality.objects.filter(name__iexact=value).first()
    )
    if found is None:
        raise forms.ValidationError(_("Ukendt kommune: brug kommunekode, fx 101, eller navn."))
    return found


class MunicipalityField(forms.Field):
    """A municipality given by code, slug or name (the API sends "101", the form a name)."""

    widget = forms.TextInput

    def __init__(self, *, max_length: int = 60, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_python(self, value):
        value = str(value or "").strip()
        if len(value) > self.max_length:
            raise forms.ValidationError(_("Højst %(n)s tegn.") % {"n": self.max_length})
        return municipality_lookup(value)

    def prepare_value(self, value):
        return value.name if isinstance(value, Municipality) else value


class DetailField:
    @staticmethod
    def build(requirement) -> forms.Field:
        label, help_text = requirement.label, requirement.help
        if requirement.kind == "bool":
            return StrictBooleanField(label=label, help_text=help_text, required=False)
        if requirement.kind == "int":
            return forms.IntegerField(label=label, min_value=0, max_value=10**9, required=False)
        if requirement.kind == "date":
            return forms.DateField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        return forms.CharField(label=label, max_length=200, required=False)


def _takes_offers(need: Need) -> bool:
    """What `open_needs()` asks of a need already loaded (the web page found it there)."""
    return (
        need.status == Need.Status.OPEN
        and need.expires_at > timezone.now()
        and need.incident.status != Incident.Status.STOOD_DOWN
    )


class OfferForm(forms.Form):
    """An offer from anyone. `need` fixes the target need (web form from a need page)."""

    need = forms.IntegerField(label=gettext_lazy("Behov (id)"), required=False, widget=forms.HiddenInput)
    offerer_type = forms.ChoiceField(
        label=gettext_lazy("Jeg tilbyder som"),
        choices=Offer.OffererType.choices,
        required=False,
        initial=Offer.OffererType.ORGANISATION,
        widget=forms.RadioSelect,
    )
    offerer_name = forms.CharField(
        label=gettext_lazy("Organisationens navn (eller dit navn)"), max_length=200
    )
    offerer_cvr = forms.CharField(label=gettext_lazy("CVR-nummer"), max_length=20, required=False)
    contact_name = forms.CharField(label=gettext_lazy("Kontaktperson"), max_length=200, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("E-mail"))
    contact_phone = forms.CharField(label=gettext_lazy("Telefon"), max_length=40, required=False)
    title = forms.CharField(label=gettext_lazy("Hvad tilbyder I?"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Beskrivelse"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Kategori"),
        required=False,
        choices=[("", gettext_lazy("Ved ikke – foreslå en"))] + list(FocusArea.choices),
    )
    item = forms.ChoiceField(
        label=gettext_lazy("Vare/ydelse"), required=False, choices=[("", "—"), *ITEM_CHOICES]
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("Mængde"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    unit = forms.CharField(label=gettext_lazy("Enhed"), max_length=40, required=False)
    per_period = forms.ChoiceField(
        label=gettext_lazy("Periode"), required=False, choices=[("", "—")] + list(OfferPeriod.choices)
    )
    available_from = forms.DateField(
        label=gettext_lazy("Kan leveres fra"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=gettext_lazy("Kan leveres til"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    municipality = MunicipalityField(
        label=gettext_lazy("Kommune (kode eller navn)"), required=False, max_length=60
    )
    location = forms.CharField(label=gettext_lazy("Adresse/lokation"), max_length=200, required=False)
    terms = forms.ChoiceField(
        label=gettext_lazy("Vilkår"), required=False, choices=[("", "—")] + list(Terms.choices)
    )
    price = forms.CharField(label=gettext_lazy("Pris"), max_length=200, required=False)
    certifications = forms.CharField(label=gettext_lazy("Certificeringer"), max_length=300, required=False)

    def __init__(self, *args, need: Need | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_need = need
        if need is not None:
            self.fields["need"].initial = need.pk
            self.fields["unit"].initial = need.unit
            self._mark_required(need)

    def _mark_required(self, need: Need) -> None:
        for slug in need.requirements:
            for name in self._fields_for(slug):
                self.fields[name].widget.attrs["required"] = True
                self.fields[name].label = f"{self.fields[name].label} *"
        shown = {name for slug in need.requirements for name in self._fields_for(slug)}
        self.detail_fields_shown = [r.slug for r in DETAIL_REQUIREMENTS if r.slug in shown]

    @staticmethod
    def _fields_for(slug: str) -> list[str]:
        return {"quantity": ["quantity", "unit"], "location": ["municipality"], "terms": ["terms"]}.get(
            slug, [slug]
        )

    def visible_detail_fields(self):
        shown = getattr(self, "detail_fields_shown", [])
        return [self[name] for name in shown]

    def clean_offerer_cvr(self) -> str:
        value = self.cleaned_data.get("offerer_cvr", "")
        if not value:
            return ""
        try:
            return clean_cvr(value)
        except Exception as exc:  # ValidationError from the registry's validator
            raise forms.ValidationError(getattr(exc, "messages", [str(exc)])) from exc

    def clean_need(self) -> Need | None:
        """The need the offer is given to must take offers (`selectors.open_needs`): open, not
        expired, its incident not stood down – from the web form and the API alike."""
        value = self.cleaned_data.get("need")
        if value in (None, ""):
            need = self.fixed_need
            if need is not None and not _takes_offers(need):
                raise forms.ValidationError(_("Behovet findes ikke eller er ikke længere åbent."))
            return need
        found = open_needs().select_related("incident", "owner").filter(pk=value).first()
        if found is None:
            raise forms.ValidationError(_("Behovet findes ikke eller er ikke længere åbent."))
        return found

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        need = data.get("need")
        if (
            need is not None
            and data.get("quantity") is not None
            and not data.get("unit")
            and "unit" not in self.errors
        ):
            data["unit"] = need.unit  # "2000" for a need counted in "stk." means 2000 stk.
        if need is not None:
            missing = []
            for slug in need.requirements:
                for name in self._fields_for(slug):
                    value = data.get(name)
                    if name in self.errors:
                        continue
                    if value in (None, "", False):
                        missing.append(name)
                        self.add_error(
                            name,
                            _("Behovet kræver dette felt: %(label)s.")
                            % {"label": str(self.fields[name].label).rstrip(" *")},
                        )
        if data.get("terms") == Terms.PRICE and not data.get("price") and "price" not in self.errors:
            self.add_error("price", _("Angiv prisen, når tilbuddet er mod betaling."))
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("Slutdatoen ligger før startdatoen."))
        if not data.get("offerer_type"):
            data["offerer_type"] = Offer.OffererType.ORGANISATION
        if data.get("offerer_type") == Offer.OffererType.PERSON and data.get("offerer_cvr"):
            self.add_error("offerer_cvr", _("En privatperson har ikke et CVR-nummer."))
        return data

    def details(self) -> dict:
        out = {}
        for requirement in DETAIL_REQUIREMENTS:
            value = self.cleaned_data.get(requirement.slug)
            if value in (None, "", False):
                continue
            out[requirement.slug] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


# The fields a need can demand beyond the basic ones, declared once on the class.
for _requirement in DETAIL_REQUIREMENTS:
    OfferForm.base_fields[_requirement.slug] = DetailField.build(_requirement)


def expiry_choices():
    return [(str(d), _("%(d)s dage") % {"d": d}) for d in (3, 7, 14, 30)]


class NeedForm(forms.Form):
    incident = forms.ModelChoiceField(
        label=gettext_lazy("Hændelse"), queryset=Incident.objects.exclude(status=Incident.Status.STOOD_DOWN)
    )
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Beskrivelse"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    item = forms.ChoiceField(label=gettext_lazy("Vare/ydelse"), choices=ITEM_CHOICES)
    focus_area = forms.ChoiceField(
        label=gettext_lazy("Kategori (CBS-fokusområde)"),
        required=False,
        choices=[("", gettext_lazy("Ud fra varen"))] + list(FocusArea.choices),
    )
    skills = forms.MultipleChoiceField(
        label=gettext_lazy("Kompetencer (personale)"),
        required=False,
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("Mængde"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    unit = forms.CharField(label=gettext_lazy("Enhed"), max_length=40, required=False)
    per_period = forms.ChoiceField(
        label=gettext_lazy("Periode"), choices=OfferPeriod.choices, initial=OfferPeriod.TOTAL
    )
    needed_by = forms.DateField(
        label=gettext_lazy("Senest"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Prioritet"), choices=Priority.choices, initial=Priority.NORMAL
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.all(), required=False, to_field_name="slug"
    )
    municipality = MunicipalityField(
        label=gettext_lazy("Kommune (kode eller navn)"), required=False, max_length=60
    )
    location = forms.CharField(label=gettext_lazy("Leveringssted"), max_length=200, required=False)
    requirements = forms.MultipleChoiceField(
        label=gettext_lazy("Oplysninger et tilbud skal give"),
        required=False,
        choices=REQUIREMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_days = forms.TypedChoiceField(
        label=gettext_lazy("Gælder i"), coerce=int, choices=expiry_choices, initial="7"
    )
    publish = StrictBooleanField(label=gettext_lazy("Offentliggør behovet nu"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        if data.get("needed_by") and data["needed_by"] < timezone.localdate() - timedelta(days=0):
            self.add_error("needed_by", _("Datoen ligger i fortiden."))
        return data


class IncidentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("Engelsk titel"), max_length=200, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=IncidentKind.choices)
    description = forms.CharField(
        label=gettext_lazy("Beskrivelse"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Slut"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    regions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Berørte regioner"),
        queryset=Region.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Berørte kommuner"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        to_field_name="code",
        help_text=gettext_lazy("Hold Ctrl/Cmd nede for at vælge flere."),
    )
    responsible = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ansvarlige myndigheder"),
        required=False,
        to_field_name="key",
        queryset=Organisation.objects.filter(sector="public").order_by("name"),
    )

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("Slutdatoen ligger før startdatoen."))
        return data


class VolunteerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Navn"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    phone = forms.CharField(label=gettext_lazy("Telefon"), max_length=40, required=False)
    skills = forms.MultipleChoiceField(
        label=gettext_lazy("Kompetencer"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple
    )
    has_danish_authorisation = StrictBooleanField(
        label=gettext_lazy("Jeg har dansk autorisation som sundhedsperson"), required=False
    )
    certificates = forms.CharField(
        label=gettext_lazy("Certifikater (fx kørekort C, førstehjælp)"), max_length=300, required=False
    )
    available_from = forms.DateField(
        label=gettext_lazy("Til rådighed fra"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=gettext_lazy("Til rådighed til"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hours_per_week = forms.IntegerField(
        label=gettext_lazy("Timer pr. uge"), required=False, min_value=1, max_value=80
    )
    municipality = MunicipalityField(label=gettext_lazy("Bopælskommune (kode eller navn)"), max_length=60)
    travel_radius_km = forms.IntegerField(
        label=gettext_lazy("Jeg kan rejse (km)"), min_value=0, max_value=500, initial=25
    )
    consent = StrictBooleanField(
        label=gettext_lazy(
            "Jeg giver samtykke til, at Videnbro opbevarer mine oplysninger, så myndigheder kan "
            "kontakte mig gennem platformen om frivillig indsats. Jeg kan til enhver tid trække "
            "samtykket tilbage, og så slettes mine oplysninger."
        )
    )

    def clean(self) -> dict[str, Any]:
        data = _cleaned(super().clean())
        if (
            data.get("available_from")
            and data.get("available_until")
            and data["available_until"] < data["available_from"]
        ):
            self.add_error("available_until", _("Slutdatoen ligger før startdatoen."))
        return data
