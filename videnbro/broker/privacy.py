"""Personal data kept by the data entry point: access requests (the applicant, their
documents) and the trail of who did what. Registered from BrokerConfig.ready()."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from videnbro.core.privacy import ERASED, PersonalDataProvider, register

from .models import AccessRequest, RequestEvent


def _users(email):
    User = get_user_model()
    return list(
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).values_list("pk", "username")
    )


class AccessRequestProvider(PersonalDataProvider):
    key = "broker.requests"
    position = 40
    order = 40
    models = ("broker.AccessRequest", "broker.RequestDocument", "broker.RequestEvent")
    label = _("Adgangsansøgninger")
    kept = _(
        "Ansøgeren (kontoen) og den organisation, ansøgeren har oplyst; projektets "
        "beskrivelse, formål, hjemmel og population; de uploadede dokumenter (protokol, "
        "godkendelser – som kan nævne projektets personer); hvem der flyttede sagen hvornår "
        "og hvorfor."
    )
    purpose = _(
        "At behandle ansøgningen om adgang til data hos de dataansvarlige, og at føre "
        "det offentlige register over godkendte anvendelser."
    )
    legal_basis = _(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra e (myndighedsopgave) og "
        "litra c (pligt til at journalisere og opbevare sagsakter)."
    )
    audience = _(
        "Ansøgeren, Dataindgangens medarbejdere og de dataansvarlige, hvis datasæt "
        "ansøgningen gælder. Registret over godkendte anvendelser viser projekt og "
        "organisation – ikke personer."
    )
    retention_text = _(
        "Indsendte ansøgninger og deres dokumenter er sagsakter og slettes ikke "
        "automatisk. Ved sletning af en person slettes personens kladder, og "
        "indsendte sager knyttes til den anonymiserede konto."
    )

    def export(self, email):
        users = _users(email)
        ids = [pk for pk, _n in users]
        if not ids:
            return []
        records = []
        for request in (
            AccessRequest.objects.filter(applicant_id__in=ids)
            .select_related("organisation")
            .prefetch_related("documents")
            .order_by("created")
        ):
            records.append(
                {
                    "reference": request.reference,
                    "kind": request.kind,
                    "project_title": request.project_title,
                    "organisation": request.organisation_label,
                    "status": request.status,
                    "purpose": request.purpose,
                    "created": request.created,
                    "submitted_at": request.submitted_at,
                    "closed_at": request.closed_at,
                    "documents": [
                        {"kind": d.kind, "filename": d.filename, "size": d.size, "created": d.created}
                        for d in request.documents.all()
                    ],
                }
            )
        for event in (
            RequestEvent.objects.filter(actor_id__in=ids).select_related("request").order_by("created")
        ):
            records.append(
                {
                    "action_on_request": event.request.reference,
                    "created": event.created,
                    "role": event.actor_role,
                    "from": event.from_status,
                    "to": event.to_status,
                    "note": event.note,
                }
            )
        return records

    def erase(self, email):
        users = _users(email)
        if not users:
            return 0
        ids = [pk for pk, _n in users]
        count = 0
        # Drafts were never sent: nobody else has a claim on them.
        for draft in AccessRequest.objects.filter(applicant_id__in=ids, status=AccessRequest.Status.DRAFT):
            for document in draft.documents.all():
                document.file.delete(save=False)
            draft.delete()
            count += 1
        count += RequestEvent.objects.filter(
            Q(actor_id__in=ids) | Q(actor_label__in=[name for _pk, name in users])
        ).update(actor_label=ERASED)
        return count


register(AccessRequestProvider())
