"""The /api/v1/ router: every app registers its endpoints here."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from videnbro.broker.api import AccessRequestViewSet, RegisterView
from videnbro.core.api import HealthView, api_not_found
from videnbro.crisis.api import (
    FramesView,
    IncidentViewSet,
    NeedViewSet,
    OfferViewSet,
    VolunteerViewSet,
)
from videnbro.datamap.api import CatalogueJsonLdView, CatalogueView, DatasetViewSet
from videnbro.matching.api import ClassifyView, MatchView
from videnbro.partnerships.api import LandscapeView, NetworkView, PartnershipViewSet
from videnbro.registry.api import OrganisationViewSet
from videnbro.search.api import SearchView

router = DefaultRouter(trailing_slash=True)
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("needs", NeedViewSet, basename="need")
router.register("offers", OfferViewSet, basename="offer")
router.register("volunteers", VolunteerViewSet, basename="volunteer")
router.register("datasets", DatasetViewSet, basename="dataset")
router.register("access-requests", AccessRequestViewSet, basename="access-request")

app_name = "api"
urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("landscape/", LandscapeView.as_view(), name="landscape"),
    path("search/", SearchView.as_view(), name="search"),
    path("classify/", ClassifyView.as_view(), name="classify"),
    path("match/", MatchView.as_view(), name="match"),
    path("network/", NetworkView.as_view(), name="network"),
    path("capacity-frames/", FramesView.as_view(), name="capacity-frames"),
    path("catalogue.ttl", CatalogueView.as_view(), name="catalogue-ttl"),
    path("catalogue.jsonld", CatalogueJsonLdView.as_view(), name="catalogue-jsonld"),
    path("access-register/", RegisterView.as_view(), name="access-register"),
    # The split view serves Swagger UI's start-up script from ?script instead of inline, for
    # the Content-Security-Policy (docs/decisions/0011-content-security-policy.md).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:openapi"), name="docs"),
    path("", include(router.urls)),
    # Last: an unmatched API path (a non-numeric id, a typo) is a JSON 404 like every other.
    re_path(r"^.*$", api_not_found),
]
