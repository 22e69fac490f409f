"""Abuse limits shared by every app-server process (429 with Retry-After, never a 500).

DRF's throttles count in the default cache, which is per process here; these count in the
shared "throttle" cache instead. `OfferRateThrottle` limits the crisis front door per client
and is also applied to the public web form through `check_web_throttle`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.exceptions import Throttled

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request
    from rest_framework.views import APIView


class _SharedCacheMixin(throttling.SimpleRateThrottle):
    def __init__(self) -> None:
        super().__init__()
        self.cache = caches["throttle"]  # DRF reads `self.cache`; a throttle lives for one request


class AnonRateThrottle(_SharedCacheMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_SharedCacheMixin, throttling.UserRateThrottle):
    pass


class OfferRateThrottle(_SharedCacheMixin, throttling.SimpleRateThrottle):
    """Offers per client (signed-in user, else IP address) and minute."""

    scope = "offers"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def check_web_throttle(
    request: HttpRequest, throttle_class: type[throttling.SimpleRateThrottle] = OfferRateThrottle
) -> None:
    """The same limit for a plain Django view; raises Throttled (→ 429 page)."""
    throttle = throttle_class()
    # A plain Django request and no view: the throttle reads only `.user` and `.META`, which
    # both have; the stubs ask for DRF's Request and a view.
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
        raise Throttled(wait=throttle.wait())
