"""API tokens: created by the service or `videnbro token`, stored hashed, revocable."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from videnbro.accounts.models import ApiToken, Role, hash_token
from videnbro.accounts.services import token_create, token_revoke
from videnbro.core.audit import SYSTEM
from videnbro.core.models import AuditLog

LIST = "/api/v1/organisations/"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_it_stores_only_the_digest(db, make_user):
    user = make_user()
    token, raw = token_create(actor=SYSTEM, user=user, name="laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hash_token(raw) != raw
    assert stored.prefix == raw[:12]
    assert raw not in str(AuditLog.objects.filter(action="accounts.token.created").values())
    assert len(raw) >= 40


def test_it_prints_a_token_that_authenticates(seeded, make_user):
    user = make_user(Role.CLUSTER_SECRETARIAT)
    raw = run("token", "create", user.username).strip()
    assert ApiToken.objects.filter(user=user, digest=hash_token(raw)).exists()
    response = bearer(raw).post(LIST, {"name": "Zeta CLI", "kind": "company"}, format="json")
    assert response.status_code == 201, response.content


def test_it_refuses_a_token_for_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("token", "create", "nobody")
    assert ApiToken.objects.count() == 0


def test_it_lists_and_revokes_tokens_from_the_command_line(seeded, make_user):
    user = make_user()
    raw = run("token", "create", user.username, "--name", "ci").strip()
    listing = run("token", "list", user.username)
    assert raw[:12] in listing and "ci" in listing and "active" in listing
    assert run("token", "revoke", raw[:12]).strip() == "Revoked."
    assert "revoked/expired" in run("token", "list", user.username)
    assert bearer(raw).get(LIST).status_code == 401
    with pytest.raises(CommandError, match="No single active token"):
        run("token", "revoke", raw[:12])


def test_it_rejects_a_revoked_token(seeded, make_user):
    token, raw = token_create(actor=SYSTEM, user=make_user())
    assert bearer(raw).get(LIST).status_code == 200
    token_revoke(actor=SYSTEM, token=token)
    response = bearer(raw).get(LIST)
    assert response.status_code == 401
    assert response.json() == {"errors": {"detail": ["Ugyldig eller udløbet API-nøgle."]}}


def test_it_rejects_an_expired_token(seeded, make_user):
    from datetime import timedelta

    from django.utils import timezone

    token, raw = token_create(actor=SYSTEM, user=make_user())
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert bearer(raw).get(LIST).status_code == 401


def test_it_records_when_a_token_was_last_used(seeded, make_user):
    token, raw = token_create(actor=SYSTEM, user=make_user())
    assert token.last_used is None
    bearer(raw).get(LIST)
    token.refresh_from_db()
    assert token.last_used is not None


def test_it_authenticates_the_token_owner(seeded, make_user, org):
    user = make_user(organisation=org("grundfos"))
    _token, raw = token_create(actor=SYSTEM, user=user)
    ok = bearer(raw).patch(f"{LIST}{org('grundfos').pk}/", {"description": "x"}, format="json")
    refused = bearer(raw).patch(f"{LIST}{org('ikea').pk}/", {"description": "x"}, format="json")
    assert (ok.status_code, refused.status_code) == (200, 403)
