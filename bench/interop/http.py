"""A small JSON-over-HTTP client for the tools' APIs: the standard library only, so the round trip needs
nothing beyond the project's own environment on our side."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid


class HttpError(RuntimeError):
    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        self.status, self.body = status, body
        super().__init__(f"{method} {url} answered HTTP {status}: {body[:500]}")


class Client:
    """Requests to one server with one Authorization header; every answer is parsed as JSON when it is."""

    def __init__(self, base: str, authorization: str = "") -> None:
        self.base, self.authorization = base.rstrip("/"), authorization

    def request(self, method: str, path: str, *, body: bytes | None = None, content_type: str = "",
                timeout: float = 120, raw: bool = False) -> object:  # fmt: skip
        """Send one request; return the answer's JSON, else its text (its bytes with `raw`)."""
        headers = {"Accept": "application/json, */*;q=0.5"}  # doccano answers an upload in plain text
        if self.authorization:
            headers["Authorization"] = self.authorization
        if content_type:
            headers["Content-Type"] = content_type
        url = self.base + path
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = response.read()
                if raw:
                    return data
                text = data.decode()
        except urllib.error.HTTPError as error:
            raise HttpError(method, url, error.code, error.read().decode(errors="replace")) from None
        try:
            return json.loads(text) if text else None
        except json.JSONDecodeError:
            return text

    def get(self, path: str) -> object:
        return self.request("GET", path)

    def post_json(self, path: str, data: object) -> object:
        return self.request("POST", path, body=json.dumps(data).encode(), content_type="application/json")

    def patch_json(self, path: str, data: object) -> object:
        return self.request("PATCH", path, body=json.dumps(data).encode(), content_type="application/json")

    def post_file(self, path: str, field: str, filename: str, content: bytes, media_type: str,
                  fields: dict[str, str] | None = None) -> object:  # fmt: skip
        """POST a multipart/form-data body holding one file (and optional plain fields), as a browser's
        upload form does."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in (fields or {}).items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n".encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            "POST", path, body=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, *, timeout: float, log: str = "") -> None:
    """Wait until `url` answers anything over HTTP; fail early when the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args[0]} exited with {process.returncode} before answering; see {log}"
            )
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {log}")
