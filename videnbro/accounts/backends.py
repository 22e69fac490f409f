"""The django-axes lock-out check, first in AUTHENTICATION_BACKENDS.

Every password log-in over HTTP (the site's log-in page, the admin's) passes the request and
is counted and locked out by django-axes. A call without a request (tests' `client.login`,
management code) has no client to count; axes would raise there, so this backend steps
aside and leaves it to the next backend. The API uses bearer tokens, never passwords."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
