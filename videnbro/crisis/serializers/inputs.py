"""The documented input of the endpoints whose input a Django form validates, generated from
those forms (fields and choices), so the OpenAPI document cannot drift from what is accepted."""

from __future__ import annotations

from rest_framework import serializers

from videnbro.core.form_input import input_serializer

from .. import services
from ..forms import IncidentForm, NeedForm, OfferForm, VolunteerForm

MUNICIPALITY_HELP = "Municipality code (e.g. 101) or name"
IncidentInputSerializer = input_serializer(
    "IncidentInputSerializer",
    IncidentForm,
    help_texts={
        "regions": "Region slugs",
        "municipalities": "Municipality codes",
        "responsible": "Organisation keys",
    },
    doc="Input of POST /api/v1/incidents/ (the incident form).",
)
NeedInputSerializer = input_serializer(
    "NeedInputSerializer",
    NeedForm,
    help_texts={"incident": "Incident key or id", "region": "Region slug", "municipality": MUNICIPALITY_HELP},
    extra={
        "owner": serializers.CharField(
            required=False,
            help_text="Authority id or key (platform admins only; default: your own organisation)",
        )
    },
    doc="Input of POST /api/v1/needs/ (the need form; the incident by key or id).",
)
OfferInputSerializer = input_serializer(
    "OfferInputSerializer",
    OfferForm,
    help_texts={"category": "Classified from the text when absent", "municipality": MUNICIPALITY_HELP},
    doc="Input of POST /api/v1/offers/ (the offer form, with the fields a need can demand).",
)
OfferUpdateInputSerializer = input_serializer(
    "OfferUpdateInputSerializer",
    OfferForm,
    only=tuple(services.OFFERER_FIELDS),
    extra={"note": serializers.CharField(required=False, help_text="An answer to the authority's question")},
    doc="What the offerer may change with the private link.",
)
VolunteerInputSerializer = input_serializer(
    "VolunteerInputSerializer",
    VolunteerForm,
    help_texts={"consent": "Must be true: explicit consent to storage", "municipality": MUNICIPALITY_HELP},
    doc="Input of POST /api/v1/volunteers/ (the volunteer form; consent must be true).",
)
