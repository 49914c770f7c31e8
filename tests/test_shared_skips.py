"""`make test` without the shared material beside the repository ends with one line that counts the tests it
skipped for that and says how to point SHARED_DIR at the material; those skips are not listed one by one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Two quick files: some of their tests read the seeds from the shared material, the others do not.
FILES = ["tests/articles/test_passages.py", "tests/articles/test_import_seed.py"]


def test_a_run_without_the_shared_material_ends_with_the_line_that_counts_its_skips(tmp_path: Path):
    env = {key: value for key, value in os.environ.items() if key not in {"REQUIRE_SHARED", "DATABASE_URL"}}
    env |= {"SHARED_DIR": str(tmp_path), "SECRET_KEY": "insecure-test-only-key"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--color=no", *FILES],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    counts = re.fullmatch(r"=+ (\d+) passed, (\d+) skipped in [\d.]+s(?: \([\d:]+\))? =+", lines[-2])
    assert counts, lines[-2]
    assert lines[-1] == (
        f"{counts[2]} tests skipped: the shared material is not at {tmp_path} "
        "(set SHARED_DIR to point at it), e.g. make test SHARED_DIR=/path/to/shared"
    )
    assert int(counts[2]) > 0
    assert "SKIPPED" not in run.stdout
