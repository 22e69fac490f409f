"""`Authorization: Bearer <token>` authentication for the REST API."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ugyldig Authorization-header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Ugyldig API-nøgle.")) from None
        token = ApiToken.objects.select_related("user").filter(digest=hash_token(raw)).first()
        if token is None or not token.is_valid or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ugyldig eller udløbet API-nøgle."))
        now = timezone.now()
        if token.last_used is None or now - token.last_used > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return (token.user, token)

    def authenticate_header(self, request):
        return self.keyword
