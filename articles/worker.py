"""The task worker's recovery: tasks whose worker died are failed, and their articles are queued again.

The database backend records which worker claimed a task (`worker_ids`) but nothing about the worker
afterwards, so a worker killed mid-task leaves its task RUNNING forever. Workers started by `db_worker`
take an id naming their host and process; a starting worker fails the RUNNING tasks whose worker process
is gone from this host (or, for a worker it cannot see, that ran longer than TASK_STUCK_SECONDS), then
queues detection for every article never scanned. Detection skips scanned articles and writes each
article in one transaction, so a task cut short is finished by the next one, and recovering twice
queues nothing twice.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles import detection
from articles.tasks import detect_reuse


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished (killed, or its machine went down)."""


@dataclass(frozen=True)
class Recovery:
    failed: list[DBTaskResult]
    queued: list[int]


def new_worker_id() -> str:
    """Return an id naming this host and process, so a later worker can tell whether this one still runs."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def _is_gone(worker_id: str, current_worker: str) -> bool | None:
    """Return whether the worker has stopped; None when it ran elsewhere (or took an id of its own)."""
    host, _, rest = worker_id.rpartition("-")[0].rpartition("-")
    if host != socket.gethostname()[:40] or not rest.isdigit():
        return None
    pid = int(rest)
    if pid == os.getpid():
        # A restarted container gives the new worker the dead one's process id.
        return worker_id != current_worker
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    # The process id may have been reused by another program since.
    return cmdline.exists() and b"db_worker" not in cmdline.read_bytes()


def stuck_tasks(current_worker: str = "") -> list[DBTaskResult]:
    """Return the RUNNING tasks whose worker has stopped, or that ran too long on a worker out of sight."""
    too_old = timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS)
    stuck = []
    for result in DBTaskResult.objects.running().order_by("started_at"):
        gone = _is_gone(result.worker_ids[-1] if result.worker_ids else "", current_worker)
        if gone or (gone is None and result.started_at is not None and result.started_at < too_old):
            stuck.append(result)
    return stuck


def _waiting_articles(stuck: Sequence[DBTaskResult] = ()) -> set[int]:
    """Return the articles that a queued or running detection task (not a stuck one) is going to scan."""
    rows = (
        DBTaskResult.objects.filter(
            task_path=detect_reuse.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        )
        .exclude(pk__in=[result.pk for result in stuck])
        .values_list("args_kwargs", flat=True)
    )
    return {aid for row in rows for args in row["args"] for aid in args}


@transaction.atomic
def recover(current_worker: str = "") -> Recovery:
    """Fail the tasks of dead workers, then queue detection for unscanned articles no task waits for."""
    failed = []
    for result in stuck_tasks(current_worker):
        worker = result.worker_ids[-1] if result.worker_ids else "an unknown worker"
        marked = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"WorkerLost: the worker {worker} stopped while running this task.",
        )
        if marked:
            failed.append(result)
    queued = sorted(set(detection.pending()) - _waiting_articles())
    if queued:
        detect_reuse.enqueue(queued)
    return Recovery(failed=failed, queued=queued)


@dataclass(frozen=True)
class Status:
    running: list[DBTaskResult]
    stuck: list[DBTaskResult]
    failed: list[DBTaskResult]
    pending: int
    waiting: int


def status(failed_limit: int = 10) -> Status:
    """Return the running and stuck tasks, the latest failed ones, and how many articles await a scan."""
    pending = set(detection.pending())
    stuck = stuck_tasks()
    return Status(
        running=list(DBTaskResult.objects.running().order_by("started_at")),
        stuck=stuck,
        failed=list(DBTaskResult.objects.failed().order_by("-finished_at")[:failed_limit]),
        pending=len(pending),
        waiting=len(pending & _waiting_articles(stuck)),
    )
