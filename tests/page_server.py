"""A web server on 127.0.0.1 for the tests that fetch pages: each test says what each path answers.

The `page_server` fixture starts one per test and lets the fetcher reach it through
FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"], the intranet allow-list; the fetcher refuses loopback otherwise.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ARTICLE_HTML = """<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Harbour lease approved after late-night vote | Port Alder Gazette</title>
  <meta name="author" content="Mara Quell">
  <meta property="og:site_name" content="Port Alder Gazette">
  <meta property="og:title" content="Harbour lease approved after late-night vote">
  <meta property="article:published_time" content="2025-03-14T21:40:00+00:00">
  <link rel="canonical" href="https://gazette.example/news/harbour-lease-approved">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a>
    <a href="/subscribe">Subscribe</a></nav>
  <article>
    <h1>Harbour lease approved after late-night vote</h1>
    <p class="byline">By Mara Quell</p>
    <p>The Port Alder council approved the forty-year harbour lease shortly before midnight on Thursday, after
    a debate that ran for more than five hours and drew a crowd of dock workers to the public gallery.</p>
    <p>Councillor Ines Brook, who voted against the deal, said the lease “hands the waterfront to a single
    operator for two generations” and asked the council to publish the full terms before signing.</p>
    <p>The operator, Northline Terminals, said it would invest in new cranes and keep every current job, and
    that the council would receive a share of the cargo fees from the third year of the lease.</p>
    <p>The vote was seven to four. The lease still needs the approval of the regional port authority, which
    meets next month and may ask for changes to the environmental conditions.</p>
  </article>
  <section id="comments" class="comments">
    <h2>Comments</h2>
    <div class="comment"><p>Reader1234: This is a scandal, they never listen to anyone here!!!</p></div>
  </section>
  <footer><p>© 2025 Port Alder Gazette. All rights reserved.</p><p>Privacy policy · Terms of use</p></footer>
</body>
</html>
"""


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Callable[[], Iterator[bytes]] = b""
    delay: float = 0.0


class PageServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path, Route(status=404, body=b"not found"))
                time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if isinstance(route.body, bytes):
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    # The fetcher may stop reading (a refusal): not an error of the server's.
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(route.body)
                    server.sent[self.path] = len(route.body)
                    return
                self.send_header("Connection", "close")
                self.end_headers()
                sent = 0
                try:
                    for chunk in route.body():
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    server.sent[self.path] = sent

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(
        self, path: str, html: str | bytes = ARTICLE_HTML, content_type: str = "text/html; charset=utf-8"
    ):
        body = html.encode() if isinstance(html, str) else html
        self.routes[path] = Route(headers={"Content-Type": content_type}, body=body)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def page_server(settings) -> Iterator[PageServer]:
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = PageServer()
    yield server
    server.close()
