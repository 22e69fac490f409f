"""organisation_update verifies in the same transaction as its other changes (issue 12,
finding 6 follow-up): a failing validation rolls the verification back, and un-verifying a
verified organisation is refused with a field error instead of being ignored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.core.models import AuditLog
from videnbro.registry import services

pytestmark = pytest.mark.regression


@pytest.fixture
def unverified(seeded):
    return services.organisation_create(
        actor=SYSTEM, name="Zyxwv Visirværksted", kind="company", is_verified=False
    )


@pytest.fixture
def keeper(make_user):
    return make_user(Role.CLUSTER_SECRETARIAT)


def test_it_a_failing_update_rolls_the_verification_back(keeper, unverified):
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=keeper, organisation=unverified, is_verified=True, cvr="12345")
    assert "cvr" in caught.value.message_dict
    unverified.refresh_from_db()
    assert not unverified.is_verified and unverified.verified_at is None
    assert not AuditLog.objects.filter(
        action="registry.organisation.verified", object_id=str(unverified.pk)
    ).exists()


def test_it_a_failing_model_validation_rolls_the_verification_back(keeper, unverified):
    with pytest.raises(ValidationError):
        services.organisation_update(actor=keeper, organisation=unverified, is_verified=True, name="")
    unverified.refresh_from_db()
    assert not unverified.is_verified


def test_it_un_verifying_a_verified_organisation_is_a_field_error(keeper, org):
    grundfos = org("grundfos")
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            actor=keeper, organisation=grundfos, is_verified=False, description="Ændret."
        )
    assert list(caught.value.message_dict) == ["is_verified"]
    grundfos.refresh_from_db()
    assert grundfos.is_verified and grundfos.description != "Ændret."


def test_it_an_update_naming_the_current_verification_is_accepted(keeper, org):
    grundfos = org("grundfos")
    _organisation, changed = services.organisation_update(
        actor=keeper, organisation=grundfos, is_verified=True, description="Ændret."
    )
    assert changed == ["description"]
