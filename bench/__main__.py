"""Run the benchmarks and write BENCHMARKS.md."""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


def machine() -> str:
    import django
    import rest_framework

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pg = "psql not found"
    import sqlite3

    return "\n".join(
        [
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, {platform.platform()}",
            f"- Python {platform.python_version()}, Django {django.get_version()}, "
            f"DRF {rest_framework.VERSION}, SQLite {sqlite3.sqlite_version}, {pg}",
            "- Command: `make bench` (which runs `python -m bench`)",
        ]
    )


def main(names: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    available = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(REPO / "bench")])
        if m.name.startswith("bench_")
    )
    # `--report-only` rebuilds BENCHMARKS.md from the sections already in bench/results without measuring.
    chosen = [] if names == ["--report-only"] else names or available
    RESULTS.mkdir(exist_ok=True)
    if len(chosen) > 1:
        # Each section in a fresh interpreter: one left holding a large heap (the PAN documents, a corpus)
        # makes every later in-process timing pay for its garbage collections; the workbench's no-op
        # request took 2.3 ms after the PAN section instead of 0.7 ms.
        for name in chosen:
            subprocess.run([sys.executable, "-m", "bench", name], cwd=REPO, check=True)
        chosen = []
    for name in chosen:
        print(f"== bench {name}", flush=True)
        section = importlib.import_module(f"bench.bench_{name}").run()
        (RESULTS / f"{name}.md").write_text(section.strip() + "\n")
        print(section, flush=True)
    sections = [(RESULTS / f"{n}.md").read_text() for n in available if (RESULTS / f"{n}.md").exists()]
    (REPO / "BENCHMARKS.md").write_text(
        "# Benchmarks\n\nMeasured by `make bench` on this project's machine class; "
        "each figure stands beside a baseline measured in the same run, and each section states what it "
        "timed and the machine's load when it ran. `python -m bench NAME` re-measures one section.\n\n"
        + machine()
        + "\n\n"
        + "\n\n".join(sections)
    )


if __name__ == "__main__":
    main(sys.argv[1:])
