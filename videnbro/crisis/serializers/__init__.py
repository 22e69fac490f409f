"""DRF serializers of the crisis endpoints (api.py holds the views). Output shapes send every
coded value as its code plus ``<field>_label`` = {"da", "en"} (docs/api.md, "Conventions");
the input of the form-validated endpoints is documented by serializers generated from the forms.

- ``labels``: labels that are not choices (focus areas, regions, municipalities)
- ``incidents``: incidents, needs, the transition input
- ``offers``: offers (offerer's and authority's view), events, claim, receipt
- ``volunteers``: volunteers and their matches to a need
- ``reports``: the evaluation and the three-frame capacity overview
- ``inputs``: the documented input, generated from the forms
"""

from .incidents import CrisisOrganisationSerializer, IncidentSerializer, NeedSerializer, TransitionSerializer
from .inputs import (
    IncidentInputSerializer,
    NeedInputSerializer,
    OfferInputSerializer,
    OfferUpdateInputSerializer,
    VolunteerInputSerializer,
)
from .labels import PlaceLabelField, PlaceLabelListField, focus_area_labels, place_labels
from .offers import (
    OfferClaimSerializer,
    OfferEventSerializer,
    OfferReceiptSerializer,
    OfferSerializer,
    OfferStatusSerializer,
)
from .reports import evaluation_data, frames_data
from .volunteers import VolunteerMatchSerializer, VolunteerReceiptSerializer, VolunteerSerializer

__all__ = [
    "CrisisOrganisationSerializer",
    "IncidentInputSerializer",
    "IncidentSerializer",
    "NeedInputSerializer",
    "NeedSerializer",
    "OfferClaimSerializer",
    "OfferEventSerializer",
    "OfferInputSerializer",
    "OfferReceiptSerializer",
    "OfferSerializer",
    "OfferStatusSerializer",
    "OfferUpdateInputSerializer",
    "PlaceLabelField",
    "PlaceLabelListField",
    "TransitionSerializer",
    "VolunteerInputSerializer",
    "VolunteerMatchSerializer",
    "VolunteerReceiptSerializer",
    "VolunteerSerializer",
    "evaluation_data",
    "focus_area_labels",
    "frames_data",
    "place_labels",
]
