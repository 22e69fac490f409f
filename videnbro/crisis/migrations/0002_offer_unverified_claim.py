"""Issue 12, finding 5: an offer that claims a verified organisation it cannot be attributed to
keeps the organisation as a claim, flagged to triage, until staff confirm it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crisis', '0001_initial'),
        ('registry', '0003_organisation_verification'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='offer',
            name='claimed_organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.organisation', verbose_name='påstået organisation'),
        ),
        migrations.AddField(
            model_name='offer',
            name='claim_reasons',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='offer',
            name='claim_confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='påstand bekræftet'),
        ),
        migrations.AddField(
            model_name='offer',
            name='claim_confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='offer',
            name='resolution',
            field=models.CharField(blank=True, choices=[('cvr', 'CVR-nummer'), ('resolver', 'Navn genkendt'), ('created', 'Ny, ikke verificeret organisation'), ('person', 'Privatperson'), ('claim', 'Uverificeret påstand om organisation')], max_length=10, verbose_name='genkendelse'),
        ),
        migrations.AlterField(
            model_name='offerevent',
            name='kind',
            field=models.CharField(choices=[('received', 'Modtaget'), ('processed', 'Behandlet automatisk'), ('transition', 'Status ændret'), ('request_info', 'Anmodning om oplysninger'), ('offerer_update', 'Opdateret af tilbudsgiver'), ('routed', 'Sendt til myndighed'), ('claim_confirmed', 'Organisation bekræftet')], max_length=20),
        ),
    ]
