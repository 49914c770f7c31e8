"""A live server that lets one request at a time reach Django, for the in-memory SQLite test database.

Django hands every request thread of its live server the same `sqlite3` connection when the test database
lives in memory (a second connection would see another, empty database). A page that fires two htmx
requests at once then has two threads reading through one connection, and SQLite returns garbage
("Could not decode to UTF-8 column 'session_key'"), which surfaces as a 500 or a spurious login redirect.
Connections are still accepted in parallel, so an idle keep-alive or preconnect socket blocks nobody.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator

from django.core.servers.basehttp import ThreadedWSGIServer


class _ReleaseWhenClosed:
    """The response body; the server calls `close` once it has sent it, which frees the next request."""

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


class OneRequestAtATimeServer(ThreadedWSGIServer):
    def set_app(self, application) -> None:
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            lock.acquire()
            try:
                body = application(environ, start_response)
            except BaseException:
                lock.release()
                raise
            return _ReleaseWhenClosed(body, lock.release)

        super().set_app(one_at_a_time)
