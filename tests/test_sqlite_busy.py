"""The SQLite default under a busy writer: another process waits for the write lock instead of failing.

The test database lives in memory, where there is no WAL and no second connection, so these tests run the
project's settings in a child process against a database file of their own.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Longer than sqlite3's default busy timeout (5 s), well within the one the settings give.
HOLD_SECONDS = 8


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "busy.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE note (text TEXT)")
    return path


@pytest.fixture
def write_lock_held(database: Path) -> Iterator[None]:
    """Another connection holds the write lock, as the task worker does during a long write, then commits."""
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO note VALUES ('the worker wrote first')")
    release = threading.Timer(HOLD_SECONDS, lambda: holder.execute("COMMIT"))
    release.start()
    yield
    release.join()
    holder.close()


def manage(database: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "x"}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_process_started_while_the_database_is_busy_passes_its_checks(database, write_lock_held):
    result = manage(database, "check")

    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_a_write_waits_for_the_write_lock_and_succeeds(database, write_lock_held):
    write = (
        "from django.db import connection, transaction\n"
        "with transaction.atomic():\n"
        "    connection.cursor().execute(\"INSERT INTO note VALUES ('the analyst wrote next')\")\n"
    )
    result = manage(database, "shell", "--no-imports", "-c", write)

    assert result.stderr == ""
    with sqlite3.connect(database) as reader:
        notes = [text for (text,) in reader.execute("SELECT text FROM note ORDER BY rowid")]
    assert notes == ["the worker wrote first", "the analyst wrote next"]
