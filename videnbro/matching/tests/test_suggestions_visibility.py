"""The suggestions fragment follows the registry's visibility rule (issue 12, finding 6): an
unverified organisation's key answers 404 to the public and members, not its suggestions."""

from __future__ import annotations

import pytest

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.registry import services

pytestmark = pytest.mark.regression


@pytest.fixture
def unverified(seeded):
    return services.organisation_create(
        actor=SYSTEM,
        name="Zyxwv Visirværksted",
        kind="company",
        is_verified=False,
        description="Visirer og ansigtsskærme til sundhedspersonale.",
    )


def url(organisation) -> str:
    return f"/organisationer/{organisation.key}/forslag/"


def test_it_suggestions_for_an_unverified_key_are_a_404(unverified, client, make_user, org):
    assert client.get(url(unverified)).status_code == 404
    client.force_login(make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos")))
    assert client.get(url(unverified)).status_code == 404


def test_it_staff_who_review_unverified_organisations_get_suggestions(unverified, client, make_user):
    client.force_login(make_user(Role.CLUSTER_SECRETARIAT))
    assert client.get(url(unverified)).status_code == 200
