from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator import spans
from annotator.models import Annotation, Label
from tests.factories import ArticleFactory, UserFactory
from tests.page_server import page_server  # noqa: F401 (a fixture for the tests that fetch pages)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session", autouse=True)
def guarded_live_server() -> Iterator[None]:
    """See tests/live_server.py: nothing reaches Django between tests, nor two at once on in-memory SQLite."""
    from django.conf import settings
    from django.test.testcases import LiveServerThread

    from tests.live_server import GatedServer, OneRequestAtATimeServer

    sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneRequestAtATimeServer if sqlite else GatedServer)
        yield


@pytest.fixture(autouse=True)
def live_server_quiet_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Open the live server's gate for the test; at its end wait for requests still inside, before the flush.

    Set up after `transactional_db`, so it is torn down (and the gate closed) before that fixture flushes.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    gate = request.getfixturevalue("live_server").thread.httpd.gate
    gate.open()
    try:
        yield
    finally:
        gate.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hashing a real password costs ~0.3 s per user; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttles() -> None:
    """The token endpoint's throttles count in the process's cache; each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


SHARED_MISSING = f"the shared material is not at {SHARED} (set SHARED_DIR to point at it)"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The third-party material beside the repository; CI (REQUIRE_SHARED=1) fails without it."""
    if not (SHARED / "seeds").is_dir():
        message = SHARED_MISSING
        if os.environ.get("REQUIRE_SHARED") == "1":
            pytest.fail(f"REQUIRE_SHARED=1 but {message}")
        pytest.skip(message)
    return SHARED


def _shared_skips(terminalreporter) -> list:
    return [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and SHARED_MISSING in report.longrepr[2]
    ]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter) -> Iterator[None]:
    """Keep the skips for want of the shared material out of the `-ra` list: one line sums them up instead.

    Wrapped first, so they are taken out before the list is written and put back after it, for the counts.
    """
    skipped = _shared_skips(terminalreporter)
    if skipped:
        terminalreporter.stats["skipped"] = [r for r in terminalreporter.stats["skipped"] if r not in skipped]
    try:
        return (yield)
    finally:
        if skipped:
            terminalreporter.stats["skipped"].extend(skipped)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session) -> Iterator[None]:
    """End the run with one line: how many tests the missing shared material cost, and how to bring them back.

    Wrapped first, so the line comes after the terminal's own last line, the counts.
    """
    result = yield
    terminalreporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = _shared_skips(terminalreporter) if terminalreporter is not None else []
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} tests skipped: {SHARED_MISSING}, e.g. make test SHARED_DIR=/path/to/shared",
            yellow=True,
        )
    return result


@pytest.fixture(scope="session")
def seed_paths(shared_dir: Path) -> list[Path]:
    """The two seed articles, in order: the short repost, then its longer edited version."""
    return sorted((shared_dir / "seeds").glob("*.txt"))


@pytest.fixture
def analyst(db):
    return UserFactory(username="alice")


@pytest.fixture
def colleague(db):
    return UserFactory(username="bob")


@pytest.fixture
def outsider(db):
    return UserFactory(username="charlie")


@pytest.fixture
def staff(db):
    return UserFactory(username="sam", is_staff=True, is_superuser=True)


@pytest.fixture
def labels(db) -> dict[str, Label]:
    return {label.slug: label for label in Label.objects.all()}


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def annotate(labels) -> Callable[..., Annotation]:
    """Tag the first occurrence of `quote` in the paragraph, through the one write path."""

    def make(paragraph, quote: str, label: str = "reported_fact", reviewer=None, **kwargs) -> Annotation:
        start = paragraph.text.index(quote)
        return spans.create(
            paragraph=paragraph,
            label=label,
            start=start,
            end=start + len(quote),
            reviewer=reviewer or UserFactory(),
            **kwargs,
        )

    return make
