"""Crisis endpoints under /api/v1/ (DRF views only; shapes in crisis/serializers, filters in
crisis/filters.py): incidents and needs, offers (the front door and the inbox), volunteers and
the three-frame capacity overview, with exports (CSV, XLSX, HXL).

- ``incidents``: IncidentViewSet, NeedViewSet
- ``offers``: OfferViewSet
- ``volunteers``: VolunteerViewSet, FramesView
- ``common``: the export answer, form-validated input, transitions
"""

from .incidents import IncidentViewSet, NeedViewSet
from .offers import OfferViewSet
from .volunteers import FramesView, VolunteerViewSet

__all__ = ["FramesView", "IncidentViewSet", "NeedViewSet", "OfferViewSet", "VolunteerViewSet"]
