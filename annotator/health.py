"""Health for load balancers and clients: `/healthz`, and a 503 to retry on while the database is down."""

from __future__ import annotations

import sys
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.tasks import task
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error
from django_tasks_db.models import DBTaskResult

RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = "The database cannot be reached. Try again in a moment."
DATABASE_DOWN_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Unavailable</title>"
    f"<h1>Provenance is unavailable</h1><p>{DATABASE_DOWN}</p></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """Return 503 with Retry-After when the database is down (JSON under /api/), else Django's 500 page.

    This is the 500 handler, not a middleware: the database is also reached by middleware (the session, the
    login check), whose exceptions no middleware's `process_exception` sees.
    """
    if not isinstance(sys.exception(), OperationalError | InterfaceError):
        return django_server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": DATABASE_DOWN}, status=503)
    else:
        response = HttpResponse(DATABASE_DOWN_PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@task
def record_heartbeat() -> None:
    """Do nothing: the worker's running it is the heartbeat `/healthz` looks for."""


def _database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _migrations() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _worker() -> bool:
    """Return whether a worker started a task lately, and ask for a heartbeat when none is waiting.

    The database backend keeps no record of idle workers, so `/healthz` keeps one heartbeat task queued; a
    live worker picks it up within seconds, and one that is gone leaves it waiting.
    """
    heartbeats = DBTaskResult.objects.filter(task_path=record_heartbeat.module_path)
    if not heartbeats.ready().exists():
        record_heartbeat.enqueue()
    last_start = DBTaskResult.objects.aggregate(last=Max("started_at"))["last"]
    return last_start is not None and timezone.now() - last_start <= timedelta(
        seconds=settings.WORKER_STALE_SECONDS
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Return each check's outcome; 200 when all pass, else 503."""
    checks: dict[str, bool] = {}
    for name, check in [("database", _database), ("migrations", _migrations), ("worker", _worker)]:
        try:
            checks[name] = check()
        except DatabaseError:
            checks[name] = False
    healthy = all(checks.values())
    return JsonResponse({"healthy": healthy, "checks": checks}, status=200 if healthy else 503)
