"""HTTPS settings come from the environment, and the production environment the README gives passes
`manage.py check --deploy` without a warning."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_https_environment() -> dict[str, str]:
    """Return the variables of the sh block in the README's HTTPS section."""
    section = (REPO / "README.md").read_text().split("### HTTPS", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return dict(re.findall(r"^([A-Z_]+)=(\S+)$", block, re.MULTILINE))


def check_deploy(tmp_path: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "provenance.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def test_the_readme_names_every_https_setting():
    assert set(readme_https_environment()) == {
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_COOKIES",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    }


def test_the_production_environment_of_the_readme_passes_check_deploy(tmp_path):
    result = check_deploy(tmp_path, readme_https_environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_without_them_check_deploy_warns_of_missing_hsts_and_redirect(tmp_path):
    result = check_deploy(tmp_path, {"DEBUG": "false"})
    assert result.returncode == 1
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in result.stderr


def test_the_settings_read_the_environment(tmp_path):
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.CSRF_COOKIE_SECURE)"
    )
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "x",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECURE_HSTS_SECONDS": "300",
        "SECURE_SSL_REDIRECT": "yes",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "SECURE_COOKIES": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert result.stdout.strip() == "300 True ('HTTP_X_FORWARDED_PROTO', 'https') True", result.stderr
