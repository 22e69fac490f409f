"""Files for download: the answer that names the file (Django's Content-Disposition helper), and
the public incident evaluation as files (PDF, XLSX): rendered once per incident version and
language, and limited per anonymous client – a PDF costs 0.5–1.9 s CPU (issue 12, finding 10)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max
from django.http import HttpResponse
from django.utils.translation import get_language
from rest_framework.throttling import SimpleRateThrottle

from videnbro.core.downloads import attachment_header

from .models import Incident, Need, Offer, VolunteerContact
from .report import Evaluation, evaluate

# The default cache: per process, so each app-server process renders a version at most once;
# a shared cache (Redis) would make that once per deployment at the price of a network hop.
CACHE_ALIAS = "default"
# A safety net for writes that bypass the version (a queryset.update() that leaves `updated`).
CACHE_SECONDS = 3600


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """A download saved under `filename` (quoted, or RFC 5987-encoded when not ASCII)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    return response


class ReportDownloadThrottle(SimpleRateThrottle):
    """Anonymous downloads per client (IP address, NUM_PROXIES-aware) in the shared throttle
    cache; signed-in users are not limited here (the API's user throttle still applies)."""

    scope = "report-downloads"

    # DRF reads `self.cache`; count in the cache every process shares. The stubs declare a
    # plain class attribute, which a read-only property may not override for mypy.
    @property
    def cache(self):  # type: ignore[override]
        return caches["throttle"]

    def get_rate(self) -> str:
        return settings.REPORT_THROTTLE_RATE

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def incident_version(incident: Incident) -> str:
    """A fingerprint of everything the evaluation reads: it changes with every saved change of
    the incident, its offers (and their organisations), needs, volunteer contacts and
    partnerships – five small aggregate queries instead of a render."""
    parts: list = [incident.pk, incident.updated]
    parts += (
        Offer.objects.filter(incident=incident)
        .aggregate(
            n=Count("pk"),
            updated=Max("updated"),
            organisation=Max("organisation__updated"),
            duplicates=Count("duplicate_of"),
        )
        .values()
    )
    parts += Need.objects.filter(incident=incident).aggregate(n=Count("pk"), updated=Max("updated")).values()
    parts += (
        VolunteerContact.objects.filter(need__incident=incident)
        .aggregate(n=Count("pk"), created=Max("created"))
        .values()
    )
    parts += incident.partnerships.aggregate(n=Count("pk"), updated=Max("updated")).values()
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def evaluation_file(incident: Incident, fmt: str, render: Callable[[Evaluation], bytes]) -> bytes:
    """The rendered file from the cache, or rendered now and cached under the incident's
    current version and the page language (the files are translated)."""
    cache = caches[CACHE_ALIAS]
    key = f"crisis:evaluation:{incident.pk}:{fmt}:{get_language()}:{incident_version(incident)}"
    content = cache.get(key)
    if content is None:
        content = render(evaluate(incident))
        cache.set(key, content, CACHE_SECONDS)
    return content
