"""/healthz for load balancers, and a 503 with Retry-After instead of a 500 while the database is down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from annotator.health import DATABASE_DOWN

TOKEN_URL = "/api/v1/auth/token/"


def refuse(*args, **kwargs):
    raise OperationalError('connection to server at "db" failed: Connection refused')


@contextmanager
def no_database() -> Iterator[None]:
    """The connection cannot be (re)opened, as when the database server is stopped.

    Every query asks for the connection first; the test's own stays open, to be rolled back after the patch
    is undone (so this is not the `monkeypatch` fixture, which may be undone after the database teardown).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "ensure_connection", refuse)
        yield


@pytest.fixture
def database_down(db) -> Iterator[None]:
    with no_database():
        yield


def run_worker_once() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


# The worker runs in this process and commits; serialized_rollback keeps the labels the migrations made for
# the browser tests that follow (a plain flush followed by their restore would clash on content types).
WORKER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@WORKER_DB
def test_healthz_is_public_and_reports_each_check(client):
    run_worker_once()
    client.get("/healthz")  # queues the heartbeat
    run_worker_once()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "healthy": True,
        "checks": {"database": True, "migrations": True, "worker": True},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_fails_when_no_worker_ran_the_heartbeat(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "migrations": True, "worker": False}
    assert DBTaskResult.objects.filter(task_path="annotator.health.record_heartbeat").count() == 1
    client.get("/healthz")
    assert DBTaskResult.objects.filter(task_path="annotator.health.record_heartbeat").count() == 1


@WORKER_DB
def test_healthz_fails_when_the_worker_was_last_seen_too_long_ago(client, settings):
    client.get("/healthz")
    run_worker_once()
    assert client.get("/healthz").status_code == 200
    with time_machine.travel(timedelta(seconds=settings.WORKER_STALE_SECONDS + 5)):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["worker"] is False


def test_healthz_fails_with_unapplied_migrations(client, db, monkeypatch):
    monkeypatch.setattr(
        "annotator.health.MigrationExecutor.migration_plan", lambda self, targets: ["pending"]
    )
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["migrations"] is False


def test_healthz_answers_503_when_the_database_is_down(db, database_down):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "healthy": False,
        "checks": {"database": False, "migrations": False, "worker": False},
    }


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 503  # answered, though no worker ran
    assert client.get("/").status_code == 301


def test_the_api_answers_json_503_with_retry_after_when_the_database_is_down(db, database_down):
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = api.get("/api/v1/articles/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": DATABASE_DOWN}
    response = Client(raise_request_exception=False).post(TOKEN_URL, {"username": "a", "password": "b"})
    assert (response.status_code, response.json()) == (503, {"detail": DATABASE_DOWN})


def test_a_page_answers_a_plain_503_when_the_database_is_down(analyst):
    browser = Client(raise_request_exception=False)
    browser.force_login(analyst)
    with no_database():
        response = browser.get("/articles/1/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "<h1>Provenance is unavailable</h1>" in response.content.decode()


def test_other_errors_stay_500(analyst, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("annotator.api.views.LabelViewSet.list", boom)
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    response = client.get("/api/v1/labels/")
    assert response.status_code == 500 and "Retry-After" not in response
