"""Users and roles: the user service and `videnbro user create`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from videnbro.accounts.models import Role, User
from videnbro.accounts.services import user_create
from videnbro.core.errors import ApplicationError, PermissionDeniedError
from videnbro.core.models import AuditLog


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_creates_a_user_with_role_and_organisation(seeded, org):
    out = run(
        "user",
        "create",
        "karen",
        "--role",
        "cluster_secretariat",
        "--organisation",
        "danish-life-science-cluster",
        "--password",
        "s3cret-pass",
        "--email",
        "karen@example.com",
    )
    assert out.strip() == "Created karen (Klyngesekretariat)."
    user = User.objects.get(username="karen")
    assert user.role == Role.CLUSTER_SECRETARIAT
    assert user.organisation == org("danish-life-science-cluster")
    assert user.check_password("s3cret-pass")
    assert not user.is_staff
    assert AuditLog.objects.get(action="accounts.user.created", object_id=str(user.pk)).data == {
        "role": "cluster_secretariat",
        "organisation": user.organisation_id,
    }


def test_it_creates_a_user_without_a_password_who_cannot_log_in(db):
    run("user", "create", "nopass")
    user = User.objects.get(username="nopass")
    assert user.role == Role.ORGANISATION_MEMBER
    assert not user.has_usable_password()


def test_it_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="No organisation with key 'nowhere'"):
        run("user", "create", "bob", "--organisation", "nowhere", "--password", "x")
    assert not User.objects.filter(username="bob").exists()


def test_it_refuses_a_taken_username(db):
    run("user", "create", "bob", "--password", "x")
    with pytest.raises(CommandError, match="Brugernavnet findes allerede."):
        run("user", "create", "bob", "--password", "y")


def test_it_refuses_an_unknown_role(db):
    with pytest.raises(CommandError):
        run("user", "create", "bob", "--role", "emperor")
    with pytest.raises(ApplicationError) as info:
        user_create(actor=None, username="bob", role="emperor")
    assert list(info.value.errors) == ["role"]


def test_it_makes_platform_admins_staff(db):
    admin = user_create(actor=None, username="admin1", role=Role.PLATFORM_ADMIN)
    assert admin.is_staff and admin.is_platform_admin


def test_it_lets_only_platform_admins_create_users(db, make_user):
    member = make_user()
    with pytest.raises(PermissionDeniedError):
        user_create(actor=member, username="intruder")
    admin = make_user(Role.PLATFORM_ADMIN)
    created = user_create(actor=admin, username="welcome")
    assert AuditLog.objects.get(action="accounts.user.created", object_id=str(created.pk)).actor == admin


def test_it_gives_superusers_every_role(db):
    superuser = User.objects.create_superuser("root", password="x")
    assert superuser.has_role(Role.CLUSTER_SECRETARIAT)
    superuser.is_active = False
    assert not superuser.has_role(Role.CLUSTER_SECRETARIAT)
