"""restore_database PATH: replace the whole database with a backup written by backup_database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotator import backup


class Command(BaseCommand):
    help = "Replace everything in the database with a backup written by backup_database. Stop the site first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH", help="the backup file to read")
        parser.add_argument("--database", default="default", choices=list(settings.DATABASES))
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask for confirmation"
        )

    def handle(self, *args, path: Path, database: str, interactive: bool, **options) -> None:
        if interactive:
            answer = input(f"This replaces everything in the {database!r} database with {path}. Type 'yes': ")
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        backup.restore(path, database=settings.DATABASES[database])
        self.stdout.write(f"Restored the {database!r} database from {path}.", self.style.SUCCESS)
