"""Fault: the task worker killed (SIGKILL) in the middle of reuse detection, then a new worker started.

A scratch SQLite file gets ARTICLES synthetic articles (`bench/reuse_corpus.py`) and one queued detection
task for them, as an import leaves it. A real `manage.py db_worker` starts; once it has scanned about a
third of the articles it gets SIGKILL, leaving its task RUNNING. A second worker starts and nobody runs
anything by hand. Checked: the dead worker's task ends FAILED (WorkerLost), every article is scanned, no
link is stored twice. Every wait is bounded in time; no network.

`python -m bench.bench_worker_fault` prints the section; `python -m bench worker_fault` also stores it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.databases import remove_sqlite

REPO = Path(__file__).resolve().parents[1]
ARTICLES = 400
KILL_AT = ARTICLES // 3
WAIT_SECONDS = 600


def prepare() -> dict:
    """Migrate, store the articles and queue their detection (run in a child set up for the file)."""
    import django

    django.setup()
    from django.core.management import call_command

    from articles.tasks import detect_reuse
    from bench.reuse_corpus import generate, store

    call_command("migrate", verbosity=0)
    articles, _ = generate(ARTICLES, seed=2016)
    ids = store(articles)
    detect_reuse.enqueue(ids)
    return {"ids": len(ids)}


def _environment(path: Path) -> dict:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "LOG_LEVEL": "ERROR"}
    environment |= {"DJANGO_SETTINGS_MODULE": "annotator.settings", "SECRET_KEY": "bench-only-key"}
    environment.pop("DEBUG", None)
    environment.pop("TASKS_BACKEND", None)
    return environment


def _worker(path: Path) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload",
               "--no-startup-delay", "--interval", "0.2"]  # fmt: skip
    return subprocess.Popen(
        command, cwd=REPO, env=_environment(path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _query(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as database:
        return database.execute(sql).fetchall()


def _scanned(path: Path) -> int:
    return _query(path, "SELECT COUNT(*) FROM articles_reusescan")[0][0]


def _wait_for(path: Path, count: int, worker: subprocess.Popen) -> float:
    started = time.monotonic()
    while _scanned(path) < count:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited:\n{worker.stdout.read()}")
        if time.monotonic() - started > WAIT_SECONDS:
            raise RuntimeError(f"fewer than {count} articles scanned after {WAIT_SECONDS} s")
        time.sleep(0.2)
    return time.monotonic() - started


def measure(path: Path) -> dict:
    """Kill the first worker a third of the way, start a second one; return what happened."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_worker_fault", "--prepare"],
        cwd=REPO, env=_environment(path), capture_output=True, text=True, timeout=WAIT_SECONDS, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"prepare failed:\n{result.stderr}")
    first = _worker(path)
    try:
        before_kill = _wait_for(path, KILL_AT, first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    at_kill = _scanned(path)
    [(stuck_status,)] = _query(path, "SELECT status FROM django_tasks_database_dbtaskresult")
    second = _worker(path)
    try:
        recovered = _wait_for(path, ARTICLES, second)
        # The recovery's queued task records its end after its last scan; a short bounded wait covers that.
        for _ in range(100):
            if not _query(path, "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"):
                break
            time.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=60)
    tasks = _query(
        path,
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at",
    )
    duplicates = _query(
        path,
        "SELECT COUNT(*) FROM (SELECT 1 FROM articles_reuselink GROUP BY earlier_article_id, "
        "later_article_id, earlier_article_start, later_article_start HAVING COUNT(*) > 1)",
    )[0][0]
    return {
        "articles": ARTICLES,
        "scanned_at_kill": at_kill,
        "seconds_before_kill": round(before_kill, 1),
        "status_after_kill": stuck_status,
        "seconds_to_recover": round(recovered, 1),
        "scanned": _scanned(path),
        "links": _query(path, "SELECT COUNT(*) FROM articles_reuselink")[0][0],
        "duplicate_links": duplicates,
        "tasks": tasks,
        "load": os.getloadavg(),
    }


def check(figures: dict) -> list[str]:
    """Return what went wrong (nothing when the worker recovered by itself)."""
    problems = []
    if figures["scanned"] != figures["articles"]:
        problems.append(f"{figures['articles'] - figures['scanned']} articles never scanned")
    if figures["duplicate_links"]:
        problems.append(f"{figures['duplicate_links']} links stored twice")
    if figures["tasks"][0] != ("FAILED", "articles.worker.WorkerLost"):
        problems.append(f"the killed worker's task ended as {figures['tasks'][0]}")
    if [status for status, _ in figures["tasks"][1:]] != ["SUCCESSFUL"]:
        problems.append(f"the recovery's tasks ended as {figures['tasks'][1:]}")
    return problems


def section(figures: dict) -> str:
    problems = check(figures)
    load = ", ".join(f"{x:.2f}" for x in figures["load"])
    return "\n".join(
        [
            "## Fault: the task worker killed in the middle of reuse detection",
            "",
            f"Setup: {figures['articles']} synthetic articles (seed 2016) in a scratch SQLite file and one "
            "queued detection task, as an import leaves them; real `manage.py db_worker` processes. The "
            f"first worker got SIGKILL after scanning {figures['scanned_at_kill']} articles "
            f"({figures['seconds_before_kill']} s), which left its task {figures['status_after_kill']}. "
            "A second worker was started and nothing was run by hand. Load average when it ended: "
            + load
            + ".",
            "",
            "| Articles scanned | Recovery (second worker's start to the last scan) | Links "
            "| Links stored twice | Killed worker's task | Recovery's tasks |",
            "|---|---|---|---|---|---|",
            f"| {figures['scanned']} of {figures['articles']} | {figures['seconds_to_recover']} s "
            f"| {figures['links']:,} | {figures['duplicate_links']} | {' '.join(figures['tasks'][0])} "
            f"| {', '.join(status for status, _ in figures['tasks'][1:])} |",
            "",
            "Outcome: " + ("recovered without a manual step." if not problems else "; ".join(problems) + "."),
        ]
    )


def run() -> str:
    path = REPO / "var" / "bench_worker_fault.sqlite3"
    path.parent.mkdir(exist_ok=True)
    remove_sqlite(path)
    try:
        figures = measure(path)
    finally:
        remove_sqlite(path)
    return section(figures)


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        print(json.dumps(prepare()))
    else:
        text = run()
        print(text)
        sys.exit(1 if "Outcome: recovered" not in text else 0)
