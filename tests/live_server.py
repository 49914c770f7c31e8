"""Django's live server for the browser tests, with two guards against requests that outlive their test.

One request at a time on in-memory SQLite: Django hands every request thread the same `sqlite3`
connection when the test database lives in memory (a second connection would see another, empty
database). A page that fires two htmx requests at once then has two threads reading through one
connection, and SQLite returns garbage ("Could not decode to UTF-8 column 'session_key'"), which surfaces
as a 500 or a spurious login redirect. Connections are still accepted in parallel, so an idle keep-alive or
preconnect socket blocks nobody.

A gate between tests: a page closed at the end of a test may still have an htmx request in flight. If
Django serves it while pytest-django flushes the database, the flush fails ("couldn't be flushed") and the
next test starts with the previous test's rows. Between tests the server answers 503 without reaching
Django, and closing the gate waits for the requests already inside.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from django.core.servers.basehttp import ThreadedWSGIServer


class _ReleaseWhenClosed:
    """The response body; the server calls `close` once it has sent it, which lets the next request in."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]):
        self._body = body
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            if hasattr(self._body, "close"):
                self._body.close()  # sends request_finished, which Django's connection handling listens to
        finally:
            self._release()


class _Gate:
    """Counts the requests inside Django; a closed gate turns new ones away and waits for those inside."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._open = True
        self._inside = 0

    def enter(self) -> bool:
        with self._condition:
            if not self._open:
                return False
            self._inside += 1
            return True

    def leave(self) -> None:
        with self._condition:
            self._inside -= 1
            self._condition.notify_all()

    def open(self) -> None:
        with self._condition:
            self._open = True

    def close(self, timeout: float = 30) -> None:
        with self._condition:
            self._open = False
            self._condition.wait_for(lambda: self._inside == 0, timeout=timeout)


class GatedServer(ThreadedWSGIServer):
    one_request_at_a_time = False

    def set_app(self, application) -> None:
        self.gate = _Gate()
        serial = threading.Lock() if self.one_request_at_a_time else None

        def release() -> None:
            if serial is not None:
                serial.release()
            self.gate.leave()

        def guarded(environ, start_response):
            if not self.gate.enter():
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"between tests"]
            if serial is not None:
                serial.acquire()
            try:
                body = application(environ, start_response)
            except BaseException:
                release()
                raise
            return _ReleaseWhenClosed(body, release)

        super().set_app(guarded)


class OneRequestAtATimeServer(GatedServer):
    one_request_at_a_time = True
