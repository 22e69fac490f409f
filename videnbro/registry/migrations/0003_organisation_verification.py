"""Finding 6 (issue 12): organisations carry who verified them and when.

Seeded, imported and staff-created organisations (is_verified=True) count as verified at
their creation; records created from offers or DCAT imports were already stored with
is_verified=False and stay unverified (staff-only) until a registry keeper verifies them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_existing_verified(apps, schema_editor):
    Organisation = apps.get_model("registry", "Organisation")
    Organisation.objects.filter(is_verified=True, verified_at__isnull=True).update(
        verified_at=models.F("created"))


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0002_municipality_latitude_municipality_longitude'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalorganisation',
            name='verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='verificeret den'),
        ),
        migrations.AddField(
            model_name='historicalorganisation',
            name='verified_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='verificeret af'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='verificeret den'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='verified_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='verificeret af'),
        ),
        migrations.RunPython(mark_existing_verified, migrations.RunPython.noop),
    ]
