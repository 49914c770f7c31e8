"""backup_database PATH: write a consistent backup of the whole database while the site keeps running."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from annotator import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to a file: SQLite's online backup, or pg_dump's custom format on "
        "PostgreSQL. restore_database reads it back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH", help="the backup file to write")
        parser.add_argument("--database", default="default", choices=list(settings.DATABASES))

    def handle(self, *args, path: Path, database: str, **options) -> None:
        backup.backup(path, database=settings.DATABASES[database])
        self.stdout.write(f"Backed up the {database!r} database to {path}.", self.style.SUCCESS)
