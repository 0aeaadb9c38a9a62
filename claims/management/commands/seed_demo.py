from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from claims.roles import ensure_roles
from claims.workflow import CHECKER_GROUP, EDITOR_GROUP

# Demo accounts for a development desk. Never created when DEBUG is off.
DEMO_USERS = [
    ("admin", None, "Ada", "Admin"),
    ("editor1", EDITOR_GROUP, "Élise", "Martin"),
    ("editor2", EDITOR_GROUP, "Hugo", "Bernard"),
    ("checker1", CHECKER_GROUP, "Chloé", "Durand"),
    ("checker2", CHECKER_GROUP, "Karim", "Benali"),
]
DEMO_PASSWORD = "demo-factcheck-2026"  # noqa: S105 -- printed on purpose, development desk only


class Command(BaseCommand):
    help = "Create the demo desk: one admin, two editors, two checkers (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo users are for development: DEBUG is off (use --force to insist).")
        ensure_roles()
        User = get_user_model()
        for username, group, first, last in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = group is None
            user.save()
            if group:
                user.groups.set([Group.objects.get(name=group)])
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, group, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {group or 'Administrator'}")
