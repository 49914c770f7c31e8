"""Scratch installs and server processes for the peer tools: one virtual environment per tool under
INTEROP_DIR (git-ignored), one scratch data directory per run, servers on 127.0.0.1 only."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INTEROP_DIR = Path(os.environ.get("INTEROP_DIR", REPO / ".interop"))
PYENV_ROOT = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def find_python(minor_versions: tuple[str, ...]) -> str:
    """Return a Python interpreter of one of the given versions ("3.11", ...), first on PATH, then pyenv's."""
    for version in minor_versions:
        found = shutil.which(f"python{version}")
        if found:
            return found
        for candidate in sorted(PYENV_ROOT.glob(f"versions/{version}.*/bin/python3"), reverse=True):
            return str(candidate)
    raise RuntimeError(
        f"None of Python {', '.join(minor_versions)} was found on PATH or in {PYENV_ROOT}/versions; "
        "install one (for example `pyenv install 3.11`)."
    )


def venv(name: str, python_versions: tuple[str, ...], requirements: list[str], log: Path) -> Path:
    """Create (once) a virtual environment with `requirements` installed; return its bin directory.

    A marker file names what was installed, so a second run reuses the environment and a changed
    requirement list rebuilds it.
    """
    home = INTEROP_DIR / "venvs" / name
    marker = home / ".interop-installed"
    wanted = "\n".join(requirements)
    if marker.exists() and marker.read_text() == wanted:
        return home / "bin"
    shutil.rmtree(home, ignore_errors=True)
    home.parent.mkdir(parents=True, exist_ok=True)
    python = find_python(python_versions)
    print(f"   installing {name} with {python} into {home} (log: {log})", flush=True)
    pip = [str(home / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    with log.open("a") as out:
        for command in ([python, "-m", "venv", str(home)], [*pip, "--upgrade", "pip"], [*pip, *requirements]):
            if subprocess.run(command, stdout=out, stderr=out, check=False).returncode:
                raise RuntimeError(f"installing {name} failed at `{' '.join(command)}`; see {log}")
    marker.write_text(wanted)
    return home / "bin"


def version_of(bin_dir: Path, distribution: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    return subprocess.run(
        [str(bin_dir / "python"), "-c", code],
        capture_output=True, text=True, check=True, env=clean_env({}),
    ).stdout.strip()  # fmt: skip


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a tool's process: this shell's basics, none of our settings (our
    DJANGO_SETTINGS_MODULE or DATABASE_URL would be the tool's own Django app's), then the tool's."""
    keep = (
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "LC_CTYPE",
        "TMPDIR",
        "TZ",
        "SSL_CERT_FILE",
        "REQUESTS_CA_BUNDLE",
    )
    return {**{name: os.environ[name] for name in keep if name in os.environ}, **extra}


class Process:
    """A server started in a process group of its own, so that stopping it stops its children too."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path, cwd: Path | None = None) -> None:
        self.log = log
        self._out = log.open("a")
        self.popen = subprocess.Popen(
            args, env=clean_env(env), cwd=cwd, stdout=self._out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._out.close()


def run(args: list[str], *, env: dict[str, str], log: Path, timeout: float = 600) -> None:
    """Run a setup command of a tool, its output into the log; fail naming the log."""
    with log.open("a") as out:
        result = subprocess.run(args, env=clean_env(env), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, timeout=timeout, check=False)  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed with {result.returncode}; see {log}")
