"""Personal data kept by the registry: organisations' contact persons (and their change
history). Registered from RegistryConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from videnbro.core.privacy import ERASED, PersonalDataProvider, register

from .models import ContactPerson

HistoricalContactPerson = ContactPerson.history.model


class ContactPersonProvider(PersonalDataProvider):
    key = "registry.contacts"
    position = 20
    models = ("registry.ContactPerson", "registry.HistoricalContactPerson")
    label = _("Kontaktpersoner i registret")
    kept = _(
        "Navn, stilling, e-mail og telefon på en organisations kontaktperson, og "
        "ændringshistorikken for disse oplysninger."
    )
    purpose = _(
        "At myndigheder og samarbejdspartnere kan komme i kontakt med den rette person i en organisation."
    )
    legal_basis = _(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra f (legitim interesse i "
        "at kunne kontakte organisationer om samarbejde og beredskab); oplysningerne "
        "er arbejdsmæssige."
    )
    audience = _(
        "Platformens medarbejdere og medlemmer af organisationer, der arbejder sammen med "
        "organisationen – aldrig offentligt."
    )
    retention_text = _(
        "Så længe personen er organisationens kontakt. Ved sletning fjernes "
        "kontaktpersonen, og navn og kontaktoplysninger i historikken erstattes "
        "af en markør."
    )

    def export(self, email):
        records = [
            {
                "organisation": c.organisation.name,
                "name": c.name,
                "title": c.title,
                "email": c.email,
                "phone": c.phone,
                "created": c.created,
            }
            for c in ContactPerson.objects.filter(email__iexact=email)
            .select_related("organisation")
            .order_by("pk")
        ]
        records += [
            {
                "history_of_contact": h.id,
                "history_date": h.history_date,
                "type": h.history_type,
                "name": h.name,
                "title": h.title,
                "email": h.email,
                "phone": h.phone,
            }
            for h in HistoricalContactPerson.objects.filter(id__in=self._ids(email)).order_by("history_date")
        ]
        return records

    @staticmethod
    def _ids(email):
        """Every contact that ever had the address (also one since changed)."""
        return set(ContactPerson.objects.filter(email__iexact=email).values_list("pk", flat=True)) | set(
            HistoricalContactPerson.objects.filter(email__iexact=email).values_list("id", flat=True)
        )

    def erase(self, email):
        # A contact without name or address serves no purpose: the record goes (an organisation
        # counts no contacts anywhere); its history stays, anonymised, as the trace that there
        # was a contact.
        ids = self._ids(email)
        if not ids:
            return 0
        count = ContactPerson.objects.filter(pk__in=ids).count()
        ContactPerson.objects.filter(pk__in=ids).update(name=ERASED, title="", email="", phone="")
        for contact in ContactPerson.objects.filter(pk__in=ids):
            contact.delete()  # recorded by simple-history (with the anonymised values)
        count += HistoricalContactPerson.objects.filter(id__in=ids).update(
            name=ERASED, title="", email="", phone=""
        )
        return count


register(ContactPersonProvider())
