"""Sign out everywhere (a session epoch per user) and exports claimed like extractions."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0008_desk_integrity'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SessionEpoch',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('epoch', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'session epoch',
                'verbose_name_plural': 'session epochs',
            },
        ),
        migrations.AddField(
            model_name='exportjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='queued_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='queued at'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='token',
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
    ]
