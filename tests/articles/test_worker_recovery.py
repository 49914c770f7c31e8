"""A task whose worker died is failed when a worker starts, and its articles are scanned again, once."""

from __future__ import annotations

import datetime
import socket
import subprocess
import sys
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from articles import worker
from articles.models import ReuseLink, ReuseScan
from articles.tasks import detect_reuse
from tests.factories import ArticleFactory

SHARED = [
    "The council voted on Monday to cut the school budget by ten percent from next year.",
    "Teachers said the cut would force the closure of two village schools in the valley.",
]
LONG_AGO = timezone.now() - datetime.timedelta(days=2)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _claimed(article_ids: list[int], worker_id: str, started_at: datetime.datetime) -> DBTaskResult:
    """Return a detection task as its worker left it: claimed, RUNNING, never finished."""
    result = DBTaskResult.objects.get(pk=detect_reuse.enqueue(article_ids).id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=started_at)
    return result


def _run_queue() -> None:
    """Run the queued tasks as a worker would (the worker's loop itself closes the test's connection)."""
    runner = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    for result in DBTaskResult.objects.ready():
        result.claim("test-worker")
        runner.run_task(result)


@pytest.fixture
def unscanned_pair(db) -> list[int]:
    return [ArticleFactory(paragraphs=SHARED).pk, ArticleFactory(paragraphs=SHARED).pk]


def test_a_dead_workers_task_is_failed_and_its_articles_linked_once(unscanned_pair):
    dead = f"{socket.gethostname()}-{_dead_pid()}-deadbeef"
    stuck = _claimed(unscanned_pair, dead, timezone.now())

    recovery = worker.recover(current_worker=worker.new_worker_id())
    again = worker.recover(current_worker=worker.new_worker_id())

    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.FAILED
    assert stuck.exception_class_path == "articles.worker.WorkerLost"
    assert stuck.traceback == f"WorkerLost: the worker {dead} stopped while running this task."
    assert [r.pk for r in recovery.failed] == [stuck.pk]
    assert recovery.queued == unscanned_pair
    assert (again.failed, again.queued) == ([], [])
    assert DBTaskResult.objects.ready().count() == 1
    _run_queue()
    assert ReuseScan.objects.count() == 2
    assert ReuseLink.objects.count() == 1
    assert worker.recover(current_worker=worker.new_worker_id()).queued == []


def test_a_task_cut_short_is_finished_without_scanning_twice(unscanned_pair):
    first, second = unscanned_pair
    detect_reuse.call([first])
    scanned_at = ReuseScan.objects.get(article_id=first).scanned_at
    _claimed(unscanned_pair, f"{socket.gethostname()}-{_dead_pid()}-deadbeef", timezone.now())

    assert worker.recover(current_worker=worker.new_worker_id()).queued == [second]
    _run_queue()
    assert ReuseScan.objects.get(article_id=first).scanned_at == scanned_at
    assert ReuseLink.objects.count() == 1


def test_a_live_workers_task_is_left_running(unscanned_pair):
    # A process whose command line names db_worker, as a live worker's does.
    program = "import time; print('ready', flush=True); time.sleep(60)"
    live = subprocess.Popen([sys.executable, "-c", program, "db_worker"], stdout=subprocess.PIPE, text=True)
    try:
        assert live.stdout.readline() == "ready\n"
        running = _claimed(unscanned_pair, f"{socket.gethostname()}-{live.pid}-alive000", LONG_AGO)
        recovery = worker.recover(current_worker=worker.new_worker_id())
    finally:
        live.kill()
        live.wait()
    running.refresh_from_db()
    assert running.status == TaskResultStatus.RUNNING
    assert (recovery.failed, recovery.queued) == ([], [])


def test_a_task_on_a_worker_out_of_sight_is_stuck_only_when_old(unscanned_pair, settings):
    settings.TASK_STUCK_SECONDS = 3600
    recent = _claimed(unscanned_pair[:1], "another-host-12-abcdefgh", timezone.now())
    old = _claimed(unscanned_pair[1:], "another-host-12-abcdefgh", LONG_AGO)
    assert [r.pk for r in worker.stuck_tasks()] == [old.pk]
    assert worker.recover().queued == [unscanned_pair[1]]
    recent.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING


def test_articles_never_queued_are_queued_when_a_worker_starts(unscanned_pair):
    out = StringIO()
    with mock.patch.object(DatabaseWorkerCommand, "handle") as run_worker:
        call_command("db_worker", "--batch", "--no-reload", stdout=out)
    [queued] = DBTaskResult.objects.ready()
    assert queued.args_kwargs["args"] == [unscanned_pair]
    assert out.getvalue() == "Queued reuse detection for 2 unscanned articles.\n"
    worker_id = run_worker.call_args.kwargs["worker_id"]
    assert worker_id.startswith(f"{socket.gethostname()[:40]}-")
    assert worker.stuck_tasks(worker_id) == []


def test_status_shows_stuck_and_failed_tasks_and_unscanned_articles(unscanned_pair):
    dead = f"{socket.gethostname()}-{_dead_pid()}-deadbeef"
    stuck = _claimed(unscanned_pair, dead, LONG_AGO)
    out = StringIO()
    call_command("detect_reuse", "--status", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["Articles not scanned yet: 2 (0 queued).", "Running tasks: 1, stuck: 1."]
    assert lines[2].startswith(f"  {stuck.id} articles.tasks.detect_reuse since ")
    assert lines[2].endswith("STUCK (its worker stopped; a starting worker fails it)")
    assert lines[3] == "Latest failed tasks: 0."

    worker.recover()
    out = StringIO()
    call_command("detect_reuse", "--status", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "Articles not scanned yet: 2 (2 queued).",
        "Running tasks: 0, stuck: 0.",
        "Latest failed tasks: 1.",
    ]
    assert lines[3].startswith(f"  {stuck.id} articles.tasks.detect_reuse at ")
    assert lines[3].endswith(f": WorkerLost: the worker {dead} stopped while running this task.")
