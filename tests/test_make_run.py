"""`make run` as a newcomer uses it: Ctrl-C or a TERM to make stops the server and the worker, all of them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS, SHUTDOWN_SECONDS = 180, 15

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("make") is None,
    reason="finds the processes left behind through /proc and needs make",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_with(marker: bytes) -> list[str]:
    """Return the command lines of the processes whose environment holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or entry.name == str(os.getpid()):
            continue
        try:
            if marker in (entry / "environ").read_bytes():
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip())
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return [command for command in found if command]


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A database of its own, kept for both runs so the second one does not migrate from scratch."""
    return f"sqlite:///{tmp_path_factory.mktemp('make-run') / 'provenance.sqlite3'}"


@pytest.fixture
def make_run(database: str, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """Start `make run` in a session of its own, as a terminal does, and wait for the server and worker."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database, "PORT": str(port)}
    environment.pop("DEBUG", None)
    environment.pop("SECRET_KEY", None)  # make run must not need one
    log = tmp_path / "make-run.log"
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=REPO,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    marker = f"DATABASE_URL={database}".encode()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and make.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as page:
                running = processes_with(marker)
                if page.status == 200 and any("db_worker" in command for command in running):
                    break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        os.killpg(make.pid, signal.SIGKILL)
        pytest.fail(f"make run did not start:\n{log.read_text()}")
    yield make
    if make.poll() is None:
        os.killpg(make.pid, signal.SIGKILL)
        make.wait()


def left_behind(database: str) -> list[str]:
    marker = f"DATABASE_URL={database}".encode()
    deadline = time.monotonic() + SHUTDOWN_SECONDS
    while (running := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return running


def test_a_term_to_make_stops_the_server_and_the_worker(make_run, database):
    make_run.send_signal(signal.SIGTERM)  # to make alone, as `kill <pid of make>` does
    assert left_behind(database) == []
    assert make_run.wait(timeout=SHUTDOWN_SECONDS) != 0


def test_ctrl_c_stops_the_server_and_the_worker(make_run, database):
    os.killpg(make_run.pid, signal.SIGINT)  # what the terminal sends to its foreground process group
    assert left_behind(database) == []
    assert make_run.wait(timeout=SHUTDOWN_SECONDS) != 0
