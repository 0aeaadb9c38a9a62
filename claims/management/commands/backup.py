from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factcheck.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump on PostgreSQL, the SQLite backup API otherwise) and print the file."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path)

    def handle(self, *args, output, **options):
        try:
            self.stdout.write(str(backup(output)))
        except BackupError as error:
            raise CommandError(str(error)) from None
