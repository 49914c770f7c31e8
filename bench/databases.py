"""Scratch databases for the benchmarks."""

from __future__ import annotations

from pathlib import Path


def remove_sqlite(path: Path | str) -> None:
    """Delete a SQLite database with its write-ahead log and shared-memory files, if they exist."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def admin_sql(settings_dict: dict, *statements: str) -> None:
    """Run statements on the server's `postgres` database (CREATE/DROP DATABASE cannot run inside one)."""
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
    ) as admin:
        for statement in statements:
            admin.execute(statement)
