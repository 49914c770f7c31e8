"""Scratch databases for the benchmarks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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


def run_child_on_scratch_sqlite(module: str, name: str) -> dict:
    """Run `python -m module` on a scratch SQLite file `var/<name>.sqlite3`; return its last output line
    as JSON."""
    path = REPO / "var" / f"{name}.sqlite3"
    remove_sqlite(path)
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", module], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
    finally:
        remove_sqlite(path)
    if result.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])
