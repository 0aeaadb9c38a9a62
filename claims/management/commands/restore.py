from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factcheck.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by 'backup'."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file, yes, **options):
        if not yes and input(f"Replace the whole database with {file}? [y/N] ").strip().lower() != "y":
            raise CommandError("Nothing restored.")
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored {file}")
