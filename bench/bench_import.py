"""Import 2,000 seed-format articles of 20 paragraphs (~15 MB) beside one bare executemany of the same rows.

Each database is measured in its own process (so SQLite and PostgreSQL never share a connection), on a fresh
database for every repetition: a copy of one migrated template. SQLite is always measured (in
var/bench-import.sqlite3); PostgreSQL when BENCH_DATABASE_URL names a PostgreSQL database, which is created
and dropped here.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.databases import admin_sql, remove_sqlite

REPO = Path(__file__).resolve().parents[1]
ARTICLES, PARAGRAPHS, REPETITIONS = 2000, 20, 7
PEERS = {"doccano": 2.28, "Label Studio": 0.89}
TARGET = 0.8

_VOCABULARY = """the council said forces offensive city region report according officials claimed sources
government army attack talks ceasefire harbour lease vote mayor protest water river board province minister
spokesman statement observers warned analysts suggested could might allegedly unconfirmed residents district
convoy checkpoint airport highway negotiations delegation agreement withdrawal civilians"""
_WORDS = _VOCABULARY.split()
_FOOTERS = [
    "If you like our work, please support the project: <https://example.org/donate/> or via: "
    "<https://www.patreon.com/example>",
    "The original source of this article is [Example Front](#)",
    "Copyright © [Example Front](#), [Example Front](#), 2016",
    "[Comment on Example Review Articles on our Facebook page](#)",
    "[Become a Member of Example Review](#)",
    "Articles by: [Example Front](#)",
    "Disclaimer: The contents of this article are of sole responsibility of the author(s). The Centre will "
    "not be responsible for any inaccurate or incorrect statement in this article. Permission to "
    "cross-post is granted as long as the source and copyright are acknowledged with a hyperlink.",
    "For media inquiries: press@example.org",
]


def generate(folder: Path, seed: int = 2016) -> int:
    """Write ARTICLES seed-format files into folder, always the same; return their total size in bytes."""
    rng = random.Random(seed)
    size = 0
    for n in range(ARTICLES):
        day = 1 + n % 28
        body = []
        for _ in range(PARAGRAPHS - len(_FOOTERS)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(50, 70))]
            body.append(" ".join(words).capitalize() + ".")
        text = "\n\n".join(
            [
                "\n",
                f"Report {n}: {' '.join(rng.choice(_WORDS) for _ in range(9)).title()}",
                "By [Example Front](#)",
                f"Example Review, December {day:02d}, 2016",
                f"[Example Front](#) {day} December 2016",
                "Region: [Middle East & North Africa](#)",
                f"Theme: [{rng.choice(['Terrorism', 'Media Disinformation'])}](#), [US NATO War Agenda](#)",
                "In-depth Report: [SYRIA](#)",
                *body,
                *_FOOTERS,
            ]
        )
        path = folder / f"{n:04d}.txt"
        path.write_text(text, encoding="utf-8")
        size += path.stat().st_size
    return size


# ---- child process: one database ------------------------------------------------------------------------


class _Database:
    """The bench database: migrated once into a template, then copied fresh before every measurement."""

    def __init__(self) -> None:
        from django.core.management import call_command
        from django.db import connection

        self.connection = connection
        self.settings = connection.settings_dict
        self.vendor = connection.vendor
        name = self.settings["NAME"]
        if self.vendor == "sqlite":
            self.template = Path(f"{name}.template")
            remove_sqlite(Path(name))
        else:
            self.template = f"{name}_template"
            drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            admin_sql(self.settings, drop, f'CREATE DATABASE "{name}"')
        call_command("migrate", verbosity=0)
        connection.close()
        if self.vendor == "sqlite":
            shutil.copyfile(name, self.template)
        else:
            admin_sql(
                self.settings,
                f'DROP DATABASE IF EXISTS "{self.template}"',
                f'CREATE DATABASE "{self.template}" TEMPLATE "{name}"',
            )

    def fresh(self) -> None:
        self.connection.close()
        name = self.settings["NAME"]
        if self.vendor == "sqlite":
            remove_sqlite(Path(name))
            shutil.copyfile(self.template, name)
        else:
            admin_sql(
                self.settings,
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"',
            )

    def drop(self) -> None:
        self.connection.close()
        if self.vendor == "sqlite":
            remove_sqlite(Path(self.settings["NAME"]))
            remove_sqlite(self.template)
        else:
            admin_sql(
                self.settings,
                f'DROP DATABASE IF EXISTS "{self.settings["NAME"]}" WITH (FORCE)',
                f'DROP DATABASE IF EXISTS "{self.template}"',
            )


def _time_import(folder: Path) -> tuple[float, float]:
    """Return the wall-clock and CPU seconds of the import, after checking what it stored."""
    from articles import importers
    from articles.models import Paragraph

    started, cpu = time.perf_counter(), time.process_time()
    reports = list(importers.import_files(importers.find_files([folder])))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert all(report.error is None for report in reports), [r.error for r in reports if r.error]
    assert sum(len(report.articles) for report in reports) == ARTICLES
    assert Paragraph.objects.count() == ARTICLES * PARAGRAPHS
    return elapsed, cpu


def _time_baseline(folder: Path) -> float:
    """One bare executemany of the same paragraph rows in a transaction; the articles exist beforehand."""
    from django.db import connection, transaction

    from articles import importers
    from articles.importers.store import checksum
    from articles.models import Article, Source

    records = [importers.parse(path.read_text(encoding="utf-8"))[0] for path in sorted(folder.iterdir())]
    source = Source.objects.create(name="Example Review", slug="example-review")
    articles = Article.objects.bulk_create(
        Article(title=r.title, publisher=source, raw_text="", checksum=checksum(r)) for r in records
    )
    rows = [
        (article.pk, position, text, "[]")
        for article, record in zip(articles, records, strict=True)
        for position, text in enumerate(record.paragraphs)
    ]
    sql = "INSERT INTO articles_paragraph (article_id, position, text, links) VALUES (%s, %s, %s, %s)"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return time.perf_counter() - started


def child(folder: Path) -> dict:
    """Measure the import and the baseline on the database of this process's settings."""
    import django
    from django.db import connection

    django.setup()
    database = _Database()
    imports, cpus, baselines = [], [], []
    try:
        for _ in range(REPETITIONS):
            database.fresh()
            elapsed, cpu = _time_import(folder)
            imports.append(elapsed)
            cpus.append(cpu)
            database.fresh()
            baselines.append(_time_baseline(folder))
        version = (
            connection.cursor().connection.info.server_version if connection.vendor != "sqlite" else None
        )
    finally:
        database.drop()
    return {"imports": imports, "cpus": cpus, "baselines": baselines, "pg": version}


# ---- parent: the Markdown section -------------------------------------------------------------------------


def _measure(url: str, folder: Path) -> dict:
    env = {**os.environ, "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_import", str(folder)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"bench child for {url} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _row(label: str, figures: dict) -> str:
    imports, baselines = figures["imports"], figures["baselines"]
    median_import, median_baseline = statistics.median(imports), statistics.median(baselines)
    median_cpu = statistics.median(figures["cpus"])
    if label.startswith("SQLite"):
        verdict = "met" if median_import < TARGET else "missed"
    else:
        verdict = "no target (reported)"
    return (
        f"| {label} | {median_import:.2f} s (best {min(imports):.2f}) | {median_cpu:.2f} s "
        f"| {median_baseline:.2f} s (best {min(baselines):.2f}) | {median_import / median_baseline:.1f}× "
        f"| {verdict} |"
    )


def run() -> str:
    import sqlite3

    pg_url = os.environ.get("BENCH_DATABASE_URL", "")
    urls = {f"SQLite {sqlite3.sqlite_version}": f"sqlite:///{REPO / 'var' / 'bench-import.sqlite3'}"}
    if pg_url.startswith(("postgres://", "postgresql://")):
        urls["PostgreSQL"] = pg_url
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        size = generate(Path(tmp))
        results = {label: _measure(url, Path(tmp)) for label, url in urls.items()}
    lines = [
        f"## Import: {ARTICLES:,} seed-format articles of {PARAGRAPHS} paragraphs ({size / 1e6:.1f} MB)",
        "",
        "Timed: `importers.import_files(importers.find_files([folder]))`, which is what "
        "`manage.py import_articles folder` runs without its progress bar and summary: reading the files, "
        "detecting the format, parsing, the duplicate check, sources and tags, "
        f"{ARTICLES:,} articles with their raw text, their tag links and "
        f"{ARTICLES * PARAGRAPHS:,} paragraph rows, committed. Baseline, same run: the same paragraph rows "
        "written by one bare `executemany` in a transaction (articles created beforehand, untimed). "
        f"Each figure is the median of {REPETITIONS} repetitions (best in brackets), each on a fresh copy of "
        f"a migrated database. Load average when the run started: {load:.2f} on {os.cpu_count()} cores; "
        "the CPU time of the importing process shows what the import costs without waiting for a core "
        "(the database's own work in PostgreSQL's server process is not in it).",
        "",
        "| database | import_articles | its CPU time | baseline: bare executemany | import / baseline "
        "| target: under 0.8 s on SQLite |",
        "|---|---|---|---|---|---|",
    ]
    for label, figures in results.items():
        if figures["pg"]:
            label = f"PostgreSQL {figures['pg'] // 10000}.{figures['pg'] % 10000}"
        lines.append(_row(label, figures))
    if "PostgreSQL" not in urls:
        lines += ["", "PostgreSQL was not measured: set BENCH_DATABASE_URL=postgres://... to include it."]
    peers = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in PEERS.items())
    lines += [
        "",
        f"Peers importing the same {ARTICLES:,} articles on this machine class (figures from the issue, not "
        f"re-measured here): {peers}. Label Studio stores one row per article; we store "
        f"{ARTICLES * PARAGRAPHS:,} paragraph rows besides the articles.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(child(Path(sys.argv[1]))))
