"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests after all others (keeping the order pytest-django chose within each group).

    From the first browser test until the session ends, Playwright's sync API leaves its event loop marked
    as running in the test thread; a database test after that would trip Django's async guard.
    """
    items.sort(key=is_browser_test)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    """Lift Django's async guard for the browser tests only, from their database setup to their teardown.

    Playwright's loop counts as running in this thread, so every query would otherwise raise
    SynchronousOnlyOperation. A hook rather than an autouse fixture, which pytest-django's database
    fixtures would set up before and tear down after.
    """
    with pytest.MonkeyPatch.context() as patch:
        if is_browser_test(item):
            patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        return (yield)


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


@pytest.fixture
def problems(page: Page) -> list[str]:
    """Collect script errors and CSP refusals; each test ends by asserting there were none."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on("console", lambda message: found.append(message.text) if message.type == "error" else None)
    return found
