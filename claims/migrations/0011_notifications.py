"""Notifications (in the app, and emailed by a worker) and per-person preferences: language, emails."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('claims', '0010_url_validators'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='UserPreferences',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('language', models.CharField(blank=True, choices=[('fr', 'French'), ('en', 'English')], max_length=10, verbose_name='language')),
                ('email_assigned', models.BooleanField(default=True, verbose_name='a claim is assigned to me')),
                ('email_review', models.BooleanField(default=True, verbose_name='a verdict waits for my review')),
                ('email_sent_back', models.BooleanField(default=True, verbose_name='my verdict is sent back')),
                ('email_approved', models.BooleanField(default=True, verbose_name='my verdict is approved')),
                ('email_mentioned', models.BooleanField(default=True, verbose_name='someone mentions me (@username) in a comment')),
                ('email_digest', models.BooleanField(default=True, verbose_name='claims due tomorrow and overdue (one email a day)')),
            ],
            options={
                'verbose_name': 'preferences',
                'verbose_name_plural': 'preferences',
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('assigned', 'Assigned to me'), ('review', 'A verdict waits for my review'), ('sent_back', 'My verdict was sent back'), ('approved', 'My verdict was approved'), ('mentioned', 'Mentioned in a comment'), ('due', 'Due tomorrow'), ('overdue', 'Overdue')], max_length=10, verbose_name='kind')),
                ('message', models.TextField(blank=True, verbose_name='message')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                ('digest_date', models.DateField(blank=True, null=True)),
                ('email_status', models.CharField(choices=[('pending', 'To send'), ('sending', 'Sending'), ('sent', 'Sent'), ('off', 'Not emailed'), ('failed', 'Failed')], default='pending', max_length=8, verbose_name='email')),
                ('email_token', models.CharField(blank=True, editable=False, max_length=32)),
                ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='emailed at')),
                ('email_error', models.TextField(blank=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='claims.claim', verbose_name='claim')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
            ],
            options={
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['recipient', 'read_at'], name='notification_unread'), models.Index(fields=['email_status', 'created_at'], name='notification_email_queue')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('digest_date__isnull', False)), fields=('recipient', 'claim', 'kind', 'digest_date'), name='notification_once_per_digest')],
            },
        ),
    ]
