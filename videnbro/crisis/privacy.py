"""Personal data kept by the crisis front door: offerers' contact data and volunteers.
Registered from CrisisConfig.ready()."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from videnbro.core.privacy import ERASED, PersonalDataProvider, register, setting_days

from .models import Incident, Offer, OfferEvent, Volunteer, VolunteerContact

# An offer in one of these states is finished: nobody needs to reach the offerer any more.
FINISHED = (Offer.Status.DECLINED, Offer.Status.FULFILLED, Offer.Status.WITHDRAWN)


def _staff_names(email):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return list(
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).values_list("pk", "username")
    )


def _erase_person_names_in_trail(ids) -> None:
    """Before the fix of issue 12's personal-data review, processing wrote a private
    offerer's name into the summary note of the PROCESSED event: replace it there."""
    people = dict(
        Offer.objects.filter(pk__in=ids, offerer_type=Offer.OffererType.PERSON)
        .exclude(offerer_name__in=("", ERASED))
        .values_list("pk", "offerer_name")
    )
    if not people:
        return
    events = OfferEvent.objects.filter(offer_id__in=list(people), kind=OfferEvent.Kind.PROCESSED)
    for event in events.only("pk", "offer_id", "note"):
        name = people[event.offer_id].strip()
        if name and name in event.note:
            OfferEvent.objects.filter(pk=event.pk).update(note=event.note.replace(name, ERASED))


# The PROCESSED summary as written before that fix, in Danish or English:
# "… Tilbudsgiver: <name> (Privatperson). …" / "… Offerer: <name> (Private individual). …".
_OLD_PERSON_SUMMARY = re.compile(
    r"(?P<lead>(?:Tilbudsgiver|Offerer): )(?P<name>.+?)(?P<tail> \((?:Privatperson|Private "
    r"individual)\)\.)"
)
_PERSON_LABELS = {"Privatperson", "Private individual", ERASED}


def _scrub_erased_person_summaries() -> int:
    """Offers anonymised before that fix lost the name it could be matched by: find the old
    summary's shape in their PROCESSED notes and put the marker where the name stood."""
    events = OfferEvent.objects.filter(
        kind=OfferEvent.Kind.PROCESSED,
        offer__offerer_type=Offer.OffererType.PERSON,
        offer__offerer_name=ERASED,
    ).filter(Q(note__contains="(Privatperson).") | Q(note__contains="(Private individual)."))
    count = 0
    for event in events.only("pk", "note"):
        note = _OLD_PERSON_SUMMARY.sub(
            lambda m: (
                m.group(0)
                if m.group("name") in _PERSON_LABELS
                else m.group("lead") + ERASED + m.group("tail")
            ),
            event.note,
        )
        if note != event.note:
            OfferEvent.objects.filter(pk=event.pk).update(note=note)
            count += 1
    return count


def _clear_offer_contacts(offers) -> int:
    """Anonymise offers' contact data; what was offered (and so every count and report) stays.
    The offerer's own free-text answers in the trail may carry contact details: cleared too."""
    ids = list(offers.values_list("pk", flat=True))
    if not ids:
        return 0
    _erase_person_names_in_trail(ids)
    Offer.objects.filter(pk__in=ids, offerer_type=Offer.OffererType.PERSON).update(offerer_name=ERASED)
    Offer.objects.filter(pk__in=ids).exclude(contact_name="").update(contact_name=ERASED)
    Offer.objects.filter(pk__in=ids).update(contact_email="", contact_phone="", fingerprint="")
    OfferEvent.objects.filter(offer_id__in=ids, kind=OfferEvent.Kind.OFFERER_UPDATE).update(note="")
    return len(ids)


class OfferContactProvider(PersonalDataProvider):
    key = "crisis.offers"
    position = 30
    models = ("crisis.Offer", "crisis.OfferEvent")
    label = _("Tilbud til krisedøren")
    kept = _(
        "Tilbudsgiverens navn (for en privatperson), kontaktperson, e-mail og telefon, "
        "hvad der tilbydes, og tilbuddets forløb med tilbudsgiverens egne svar."
    )
    purpose = _(
        "At myndigheden kan vurdere tilbuddet og kontakte tilbudsgiveren, og at "
        "tilbudsgiveren kan følge tilbuddet via sit private link."
    )
    legal_basis = _(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra e (myndighedernes "
        "krisehåndtering, en opgave i samfundets interesse); tilbudsgiveren har "
        "selv sendt tilbuddet."
    )
    audience = _(
        "Medarbejdere hos den myndighed, tilbuddet er sendt til, og platformens "
        "administratorer; tilbudsgiveren selv via statuslinket. Aldrig offentligt."
    )
    retention_text = _(
        "Kontaktoplysningerne slettes %(days)s dage efter, at tilbuddet er "
        "afsluttet (afvist, leveret eller trukket tilbage), at perioden, hvor det "
        "kan leveres, er udløbet, eller at hændelsen er afblæst – det der kommer "
        "først – og senest %(idle)s dage efter seneste ændring. Hvad der blev "
        "tilbudt, bevares uden kontaktoplysninger til evalueringen."
    )

    def retention_params(self):
        return {
            "days": setting_days("PRIVACY_OFFER_CONTACT_DAYS", 90),
            "idle": setting_days("PRIVACY_OFFER_IDLE_DAYS", 365),
        }

    def export(self, email):
        records = []
        for offer in (
            Offer.objects.filter(contact_email__iexact=email)
            .select_related("incident", "organisation")
            .order_by("created")
        ):
            records.append(
                {
                    "reference": offer.reference,
                    "created": offer.created,
                    "incident": offer.incident.title if offer.incident is not None else None,
                    "offerer_type": offer.offerer_type,
                    "offerer_name": offer.offerer_name,
                    "offerer_cvr": offer.offerer_cvr,
                    "contact_name": offer.contact_name,
                    "contact_email": offer.contact_email,
                    "contact_phone": offer.contact_phone,
                    "title": offer.title,
                    "description": offer.description,
                    "status": offer.status,
                    "available_from": offer.available_from,
                    "available_until": offer.available_until,
                    "trail": [
                        {
                            "created": e.created,
                            "kind": e.kind,
                            "from": e.from_status,
                            "to": e.to_status,
                            "note": e.note,
                        }
                        for e in offer.events.all()
                    ],
                }
            )
        staff = _staff_names(email)
        if staff:
            for event in (
                OfferEvent.objects.filter(actor_id__in=[pk for pk, _n in staff])
                .select_related("offer")
                .order_by("created")
            ):
                records.append(
                    {
                        "action_on_offer": event.offer.reference,
                        "created": event.created,
                        "kind": event.kind,
                        "from": event.from_status,
                        "to": event.to_status,
                        "note": event.note,
                    }
                )
        return records

    def erase(self, email):
        count = _clear_offer_contacts(Offer.objects.filter(contact_email__iexact=email))
        staff = _staff_names(email)
        if staff:
            count += OfferEvent.objects.filter(
                Q(actor_id__in=[pk for pk, _n in staff]) | Q(actor_label__in=[name for _pk, name in staff])
            ).update(actor_label=ERASED)
        return count

    def expired(self, now):
        """Offers whose contact data is past its period: finished, no longer available, or
        their incident stood down at least N days ago – or untouched for the idle period."""
        params = self.retention_params()
        cutoff = now - timedelta(days=params["days"])
        cutoff_date = timezone.localdate(now) - timedelta(days=params["days"])
        stood_down = Incident.Status.STOOD_DOWN
        ended = (
            Q(status__in=FINISHED, updated__lte=cutoff)
            | Q(available_until__lt=cutoff_date)
            | Q(incident__status=stood_down, incident__stood_down_at__lte=cutoff)
            | Q(
                incident__status=stood_down,
                incident__stood_down_at__isnull=True,
                incident__ends_on__lt=cutoff_date,
            )
            | Q(updated__lte=now - timedelta(days=params["idle"]))
        )
        return Offer.objects.exclude(contact_email="").filter(ended)

    def retention(self, now, *, dry_run=False):
        offers = self.expired(now)
        if dry_run:
            return offers.count()
        count = _clear_offer_contacts(offers)
        _scrub_erased_person_summaries()
        return count


def _clear_volunteers(volunteers, now) -> int:
    """What withdrawing consent does (services.volunteer_withdraw), for many: name and
    contact gone, messages emptied; skills and municipality stay as anonymous numbers."""
    ids = list(volunteers.values_list("pk", flat=True))
    if not ids:
        return 0
    Volunteer.objects.filter(pk__in=ids).update(name=ERASED, email="", phone="", certificates="")
    Volunteer.objects.filter(pk__in=ids, status=Volunteer.Status.ACTIVE).update(
        status=Volunteer.Status.WITHDRAWN, withdrawn_at=now
    )
    VolunteerContact.objects.filter(volunteer_id__in=ids).update(message="")
    return len(ids)


class VolunteerProvider(PersonalDataProvider):
    key = "crisis.volunteers"
    position = 31
    models = ("crisis.Volunteer", "crisis.VolunteerContact")
    label = _("Frivillige")
    kept = _(
        "Navn, e-mail, telefon, kompetencer, dansk autorisation, certifikater, hvornår og "
        "hvor meget man kan hjælpe, bopælskommune, rejseafstand og samtykket (tidspunkt og "
        "version); beskeder, myndigheder har sendt gennem platformen."
    )
    purpose = _(
        "At myndigheder, der mangler hænder, kan finde frivillige med de rette "
        "kompetencer i nærheden og skrive til dem gennem platformen."
    )
    legal_basis = _(
        "Samtykke, databeskyttelsesforordningens art. 6, stk. 1, litra a; samtykket "
        "kan altid trækkes tilbage via linket i kvitteringen."
    )
    audience = _(
        "Myndighedernes medarbejdere ser kompetencer, kommune og tilgængelighed – aldrig "
        "navn eller kontaktoplysninger; platformen videresender deres beskeder. "
        "Platformens administratorer."
    )
    retention_text = _(
        "Slettes straks, når samtykket trækkes tilbage. Ellers bevares "
        "oplysningerne, mens en hændelse er i gang, og navn og kontaktoplysninger "
        "slettes %(days)s dage efter, at den seneste hændelse er afblæst (og ikke "
        "før den frivilliges egen slutdato). Kompetencer og kommune bevares "
        "anonymt til evalueringen."
    )

    def retention_params(self):
        return {"days": setting_days("PRIVACY_VOLUNTEER_DAYS", 90)}

    def export(self, email):
        records = []
        for v in (
            Volunteer.objects.filter(email__iexact=email).select_related("municipality").order_by("created")
        ):
            records.append(
                {
                    "reference": v.reference,
                    "name": v.name,
                    "email": v.email,
                    "phone": v.phone,
                    "skills": v.skills,
                    "has_danish_authorisation": v.has_danish_authorisation,
                    "certificates": v.certificates,
                    "available_from": v.available_from,
                    "available_until": v.available_until,
                    "hours_per_week": v.hours_per_week,
                    "municipality": v.municipality.name,
                    "travel_radius_km": v.travel_radius_km,
                    "consent_at": v.consent_at,
                    "consent_version": v.consent_version,
                    "status": v.status,
                    "created": v.created,
                    "messages": [
                        {"created": c.created, "need": c.need.title, "message": c.message}
                        for c in v.contacts.select_related("need")
                    ],
                }
            )
        return records

    def erase(self, email):
        return _clear_volunteers(Volunteer.objects.filter(email__iexact=email), timezone.now())

    def expired(self, now):
        """Volunteers answer the incidents under way: kept while one is open; otherwise
        cleared N days after the latest of their registration, the last stand-down and their
        own availability end."""
        if Incident.objects.exclude(status=Incident.Status.STOOD_DOWN).exists():
            return Volunteer.objects.none()
        days = self.retention_params()["days"]
        cutoff = now - timedelta(days=days)
        last_stand_down = Incident.objects.aggregate(last=Max("stood_down_at"))["last"]
        if last_stand_down is not None and last_stand_down > cutoff:
            return Volunteer.objects.none()
        cutoff_date = timezone.localdate(now) - timedelta(days=days)
        return (
            Volunteer.objects.exclude(name=ERASED)
            .exclude(email="", phone="", name="")
            .filter(Q(available_until__isnull=True) | Q(available_until__lt=cutoff_date), created__lte=cutoff)
        )

    def retention(self, now, *, dry_run=False):
        volunteers = self.expired(now)
        return volunteers.count() if dry_run else _clear_volunteers(volunteers, now)


register(OfferContactProvider())
register(VolunteerProvider())
