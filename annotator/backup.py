"""Backing up and restoring the whole database, spans, history and corpus alike, with every timestamp exact.

SQLite goes through its online backup API, which copies a consistent snapshot while the site keeps
running; PostgreSQL through `pg_dump`/`pg_restore` in the custom format. Not `dumpdata`/`loaddata`: their
JSON cuts timestamps to milliseconds, and the order of a span's history rests on them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.core.management.base import CommandError


def backup(path: Path, *, database: dict) -> None:
    """Write a backup of `database` (a DATABASES entry) to `path`, replacing any file there."""
    if _is_sqlite(database):
        path.unlink(missing_ok=True)
        with closing(_sqlite(database)) as source, closing(sqlite3.connect(path)) as target:
            source.backup(target)
        return
    _postgres(["pg_dump", "--format=custom", "--no-owner", "--file", str(path)], database)


def restore(path: Path, *, database: dict) -> None:
    """Replace everything in `database` with the backup at `path`."""
    if not path.is_file():
        raise CommandError(f"There is no backup at {path}.")
    if _is_sqlite(database):
        backup_file = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        with closing(backup_file) as source, closing(_sqlite(database)) as target:
            source.backup(target)
        return
    # One transaction: a restore that fails half-way leaves the database as it was.
    options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _postgres(["pg_restore", *options, "--dbname", database["NAME"], str(path)], database)


def _is_sqlite(database: dict) -> bool:
    return database["ENGINE"] == "django.db.backends.sqlite3"


def _sqlite(database: dict) -> sqlite3.Connection:
    name = str(database["NAME"])
    timeout = database.get("OPTIONS", {}).get("timeout", 20)
    return sqlite3.connect(name, uri=name.startswith("file:"), timeout=timeout)


def _postgres(command: list[str], database: dict) -> None:
    if shutil.which(command[0]) is None:
        raise CommandError(f"{command[0]} is not installed; install PostgreSQL's client tools.")
    names = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD"}
    environment = {**os.environ, "PGDATABASE": database["NAME"]}
    environment.update({variable: str(database[key]) for variable, key in names.items() if database.get(key)})
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")
