"""Personal data in the data map: a dataset's contact point may be a person's address.
Registered from DatamapConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from videnbro.core.privacy import PersonalDataProvider, register

from .models import Dataset

HistoricalDataset = Dataset.history.model


class ContactPointProvider(PersonalDataProvider):
    key = "datamap.contact_points"
    models = ("datamap.Dataset", "datamap.HistoricalDataset")
    label = _("Kontaktpunkter for datasæt")
    kept = _(
        "Kontaktpunktet for et datasæt, som den dataansvarlige har offentliggjort – "
        "oftest en fælles postkasse, men det kan være en persons e-mail."
    )
    purpose = _("At forskere ved, hvem de kan spørge om datasættet (DCAT-AP-feltet contactPoint).")
    legal_basis = _(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra e (den dataansvarliges "
        "offentliggjorte oplysning om sit datasæt)."
    )
    audience = _("Alle: datalandkortet og kataloget er offentlige.")
    retention_text = _(
        "Så længe datasættet står i datalandkortet; ved sletning fjernes adressen "
        "fra datasættet og dets historik."
    )

    def export(self, email):
        records = [
            {"dataset": d.key, "title": d.title, "contact_point": d.contact_point}
            for d in Dataset.objects.filter(contact_point__icontains=email).order_by("key")
        ]
        records += [
            {"history_of_dataset": h.key, "history_date": h.history_date, "contact_point": h.contact_point}
            for h in HistoricalDataset.objects.filter(contact_point__icontains=email).order_by("history_date")
        ]
        return records

    def erase(self, email):
        return Dataset.objects.filter(contact_point__icontains=email).update(
            contact_point=""
        ) + HistoricalDataset.objects.filter(contact_point__icontains=email).update(contact_point="")


register(ContactPointProvider())
