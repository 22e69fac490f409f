"""Review finding 3 (issue 12): self-service accounts activated before the sign-up fix.

Before the fix the password was chosen on the sign-up form, by whoever filled it in – maybe
not the owner of the address – and the mailed link only switched the account on. Such an
account (an audit row "accounts.user.signed_up", active, but no "accounts.user.activated"
row, which only the new activation page writes) gets an unusable password: its person uses
"forgot password", which proves control of the address. Backwards: nothing to undo."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def lock_prefix_passwords(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    AuditLog = apps.get_model("core", "AuditLog")

    def user_ids(action):
        ids = AuditLog.objects.filter(action=action, object_type="accounts.user"
                                      ).values_list("object_id", flat=True)
        return {int(pk) for pk in ids if str(pk).isdigit()}

    pks = user_ids("accounts.user.signed_up") - user_ids("accounts.user.activated")
    for user in User.objects.filter(pk__in=pks, is_active=True):
        if user.password.startswith("!"):  # already unusable
            continue
        user.password = make_password(None)
        user.save(update_fields=["password"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_signup_activation_dates"),
        ("core", "0002_data_version"),
    ]

    operations = [
        migrations.RunPython(lock_prefix_passwords, migrations.RunPython.noop),
    ]
