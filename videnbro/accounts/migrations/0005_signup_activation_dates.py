"""Finding 1 (issue 12): the sign-up and activation times of self-service accounts.

Accounts signed up before this migration (an audit row "accounts.user.signed_up") get
`signed_up_at`; those never activated lose the password chosen at sign-up – it may be an
attacker's – so the person who opens the mailed link chooses it (their old link no longer
works: they sign up again)."""

from django.contrib.auth.hashers import make_password
from django.db import migrations, models


def backfill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    AuditLog = apps.get_model("core", "AuditLog")
    ids = AuditLog.objects.filter(action="accounts.user.signed_up",
                                  object_type="accounts.user").values_list("object_id", flat=True)
    pks = [int(pk) for pk in ids if str(pk).isdigit()]
    for user in User.objects.filter(pk__in=pks):
        user.signed_up_at = user.date_joined
        if user.is_active:
            user.activated_at = user.last_login or user.date_joined
        elif user.last_login is None:
            user.password = make_password(None)
        user.save(update_fields=["signed_up_at", "activated_at", "password"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_stated_organisation"),
        ("core", "0002_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="signed_up_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="oprettet af personen selv"),
        ),
        migrations.AddField(
            model_name="user",
            name="activated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="aktiveret"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
