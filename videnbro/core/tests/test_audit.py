"""Audit rows name their actor, whoever it is."""

from django.contrib.auth.models import AnonymousUser

from videnbro.core.audit import SYSTEM, SystemActor, actor_label, audit_log, is_system
from videnbro.core.models import AuditLog


def test_it_labels_every_kind_of_actor(db, make_user):
    user = make_user()
    assert actor_label(None) == "system"
    assert actor_label(SYSTEM) == "system"
    assert actor_label(SystemActor("seed")) == "seed"
    assert actor_label("cli") == "cli"
    assert actor_label(AnonymousUser()) == "anonymous"
    assert actor_label(user) == user.username


def test_it_links_a_user_actor_and_the_object(db, make_user):
    user = make_user()
    row = audit_log(actor=user, action="test.thing.done", obj=user, data={"n": 1})
    row = AuditLog.objects.get(pk=row.pk)
    assert (row.actor, row.action, row.object_type, row.object_id, row.data) == (
        user,
        "test.thing.done",
        "accounts.user",
        str(user.pk),
        {"n": 1},
    )


def test_it_writes_system_rows_without_a_user(db):
    row = audit_log(actor=SystemActor("import"), action="test.system")
    assert row.actor is None and row.actor_label == "import" and row.object_type == ""
    assert is_system(SYSTEM) and not is_system("cli") and not is_system(None)
