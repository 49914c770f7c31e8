"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def allow_database_access_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread, which trips Django's async guard."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def database_snapshot(django_db_setup) -> str | None:
    """The test database's content as migrations left it, which `serialized_rollback` restores."""
    return getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)


@pytest.fixture(scope="session")
def playwright(database_snapshot, playwright):
    """Start Playwright, then hand the snapshot to the connection Django uses from now on.

    Once Playwright's event loop runs in this thread, Django's connection handler serves a new connection
    object (its storage follows the async context), which lacks the snapshot taken at database setup; without
    it every browser test after the first would start with the labels the migrations made flushed away.
    """
    if database_snapshot is not None:
        connections[DEFAULT_DB_ALIAS]._test_serialized_contents = database_snapshot
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.path.exists(CHROMIUM):
        message = "Chromium is not installed (`make test` installs Debian's chromium)"
        if os.environ.get("REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}
