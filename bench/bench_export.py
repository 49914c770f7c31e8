"""Export 100,000 and 1,000,000 labelled spans as JSONL over HTTP, beside a bare read of the same joined rows.

Each database is measured in its own process on a fresh database: SQLite always, PostgreSQL when
BENCH_DATABASE_URL names one (it is created and dropped here). The spans are generated straight into the
tables (articles by bulk_create, paragraphs and spans by executemany, or COPY on PostgreSQL): this measures
the export, not the write path, so no history rows are written. The export is served by a real gunicorn
(one sync worker, started and stopped here) on 127.0.0.1 and read by a plain HTTP client in this process.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url

from bench.databases import admin_sql, remove_sqlite

REPO = Path(__file__).resolve().parents[1]
SIZES = (100_000, 1_000_000)
REPETITIONS = {100_000: 3, 1_000_000: 2}
PARAGRAPHS_PER_ARTICLE, SPANS_PER_PARAGRAPH = 10, 5
SPANS_PER_ARTICLE = PARAGRAPHS_PER_ARTICLE * SPANS_PER_PARAGRAPH
REVIEWERS = 8
PEERS = (
    "doccano 11.6 s with a 1.4 GiB worker (failed at 500,000); "
    "Label Studio 4.9 s with 558 MiB (16.5 s and 1.27 GiB at 500,000)"
)
TARGETS = {100_000: 1.0, 1_000_000: 5.0}
RSS_TARGET_MB = 200
BARE_FETCH = 2000  # rows per fetch for the bare read: its fastest setting here (10,000 is slower)
# The export's rows as one joined query: what the bare read reads.
JOINED_COLUMNS = (
    "id", "article_id", "article__title", "article__url", "article__checksum", "article__publisher__slug",
    "article__original_source__slug", "paragraph_id", "paragraph__position", "start", "end", "quote",
    "label__slug", "reviewer__username", "note", "attributed_to", "created_at", "updated_at",
)  # fmt: skip
_VOCABULARY = """the council said forces offensive city region report according officials claimed sources
government army
attack talks ceasefire harbour lease vote mayor protest water river board province minister spokesman
statement observers warned analysts suggested could might allegedly unconfirmed residents district convoy
checkpoint airport highway negotiations delegation agreement withdrawal civilians"""
_WORDS = _VOCABULARY.split()


# ---- child process: one database ------------------------------------------------------------------------


def _fresh_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    _drop_database()
    if connection.vendor != "sqlite":  # SQLite creates its file on connecting
        admin_sql(connection.settings_dict, f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')
    call_command("migrate", verbosity=0)


def _drop_database() -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "sqlite":
        remove_sqlite(name)
    else:
        admin_sql(connection.settings_dict, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    """Write rows straight into the model's table: COPY on PostgreSQL, one executemany elsewhere."""
    from django.db import connection

    opts = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({marks})", rows)


def _paragraph(rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """Return a paragraph of about 300 characters and SPANS_PER_PARAGRAPH word-aligned spans in it."""
    words = [rng.choice(_WORDS) for _ in range(45)]
    text = " ".join(words).capitalize() + "."
    starts = [0]
    for word in words[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    spans = []
    for i in range(SPANS_PER_PARAGRAPH):
        first = i * 9 + rng.randrange(3)
        last = first + rng.randrange(1, 5)
        spans.append((starts[first], starts[last] + len(words[last])))
    return text, spans


def generate(total: int) -> None:
    """Add articles with paragraphs and spans until the database holds `total` live spans."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from annotator.models import Annotation, Label
    from articles.models import Article, Paragraph, Source

    existing = Annotation.objects.count()
    users = list(get_user_model().objects.filter(username__startswith="reviewer").order_by("username"))
    if not users:
        users = [get_user_model().objects.create(username=f"reviewer{i}") for i in range(REVIEWERS)]
    labels = list(Label.objects.order_by("order"))
    source, _ = Source.objects.get_or_create(slug="bench-wire", defaults={"name": "Bench Wire"})
    rng = random.Random(existing)
    from django.db import connection

    now = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
    article_count = (total - existing) // SPANS_PER_ARTICLE
    first_number = existing // SPANS_PER_ARTICLE
    for batch_start in range(0, article_count, 1000):
        numbers = range(first_number + batch_start, first_number + min(batch_start + 1000, article_count))
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(title=f"Bench report {n}", publisher=source, url=f"https://bench.example/{n}",
                        raw_text="", checksum=hashlib.sha256(f"bench-{n}".encode()).hexdigest())
                for n in numbers
            )  # fmt: skip
            texts = {
                article.pk: [_paragraph(rng) for _ in range(PARAGRAPHS_PER_ARTICLE)] for article in articles
            }
            paragraph_rows = [
                (pk, position, text, "[]")
                for pk, paragraphs in texts.items()
                for position, (text, _) in enumerate(paragraphs)
            ]
            _insert(Paragraph, ["article", "position", "text", "links"], paragraph_rows)
            ids = Paragraph.objects.filter(article__in=articles).order_by("article_id", "position")
            rows, n = [], 0
            for paragraph_id, article_id, position in ids.values_list("id", "article_id", "position"):
                text, spans = texts[article_id][position]
                for start, end in spans:
                    label, reviewer = labels[n % len(labels)], users[n % len(users)]
                    note = "checked against the wire copy" if n % 10 == 0 else ""
                    rows.append((article_id, paragraph_id, start, end, text[start:end], label.pk, reviewer.pk,
                                 note, "", now, now, 1))  # fmt: skip
                    n += 1
            _insert(Annotation, ["article", "paragraph", "start", "end", "quote", "label", "reviewer", "note",
                                 "attributed_to", "created_at", "updated_at", "version"], rows)  # fmt: skip


def _analyze() -> None:
    """Give PostgreSQL's planner statistics, as autovacuum would; SQLite keeps its defaults as Django does."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def bare_read() -> tuple[float, int]:
    """Read the export's rows as one joined query with the bare driver; return seconds and rows.

    The query (JOINED_COLUMNS): each live span with its article's title, url, checksum,
    publisher and original source slugs, its paragraph's position, its label's slug and its reviewer's
    username, 18 columns in export order. SQLite: the query names the span table first with CROSS JOIN,
    which makes SQLite walk the spans in paragraph order as the export does (as Django writes it, the
    planner starts from the articles and sorts the whole join first, which is slower than the export),
    read by a plain `sqlite3` connection without Django's converters (timestamps stay text).
    PostgreSQL: Django's server-side cursor, binary results, timestamps by psycopg's C loaders (the
    export reads text results, its timestamps by psycopg's C loader too). BARE_FETCH rows per fetch.
    """
    from django.db import connection, transaction

    from annotator.formats import rows

    joined = rows.exportable().order_by("paragraph_id", "id").values_list(*JOINED_COLUMNS)
    sql, params = joined.query.sql_with_params()
    count = 0
    if connection.vendor == "sqlite":
        import sqlite3

        spans_first = sql.replace(' INNER JOIN "articles_article" ', ' CROSS JOIN "articles_article" ', 1)
        assert spans_first != sql and not params, sql
        bare = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            started = time.perf_counter()
            cursor = bare.execute(spans_first)
            while chunk := cursor.fetchmany(BARE_FETCH):
                count += len(chunk)
            return time.perf_counter() - started, count
        finally:
            bare.close()
    from psycopg.types.datetime import TimestamptzBinaryLoader, TimestamptzLoader

    started = time.perf_counter()
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzBinaryLoader)
        cursor.cursor.execute(sql, params, binary=True)
        while chunk := cursor.fetchmany(BARE_FETCH):
            count += len(chunk)
    return time.perf_counter() - started, count


def same_bytes_as_the_writer() -> bool:
    """Whether the served jsonl (`rows.stream`, i.e. `fast_jsonl`) is byte for byte what `jsonl.write`
    makes of the reference path's `iter_rows`."""
    from annotator import formats
    from annotator.formats import jsonl, rows
    from annotator.models import Annotation

    served, written = hashlib.sha256(), hashlib.sha256()
    for chunk in rows.stream(Annotation.objects.all(), formats.get("jsonl")):
        served.update(chunk)
    for chunk in jsonl.write(rows.iter_rows(Annotation.objects.all()), fields=rows.FIELDS):
        written.update(chunk)
    return served.digest() == written.digest()


def in_process_export(*, reference: bool = False) -> tuple[float, int]:
    """Produce the JSONL export in this process without HTTP, as served (`fast_jsonl`) or by the reference
    path; return seconds and lines."""
    from annotator import formats
    from annotator.formats import jsonl, rows
    from annotator.models import Annotation

    spans = Annotation.objects.all()
    chunks = (
        formats.buffered(jsonl.write(rows.iter_rows(spans)))
        if reference
        else rows.stream(spans, formats.get("jsonl"))
    )
    lines = 0
    started = time.perf_counter()
    for chunk in chunks:
        lines += chunk.count(b"\n")
    return time.perf_counter() - started, lines


class Server:
    """gunicorn with one sync worker on a free port of 127.0.0.1, for the length of a `with` block."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def __enter__(self) -> Server:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "ALLOWED_HOSTS": "127.0.0.1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "annotator.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "600", "--log-level", "warning"],
            cwd=REPO, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def worker_peak_rss_mb(self) -> float:
        """Return the worker's peak resident set (VmHWM) in MB."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        status = Path(f"/proc/{children[0]}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        return kb * 1024 / 1e6

    def get(self, path: str, token: str) -> dict:
        """GET path; return time to first body byte, to last byte, and the body's size and line count."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        started = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": f"Token {token}"})
        response = connection.getresponse()
        first, size, lines = None, 0, 0
        while chunk := response.read1(1 << 16):
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")
        last = time.perf_counter() - started
        connection.close()
        assert response.status == 200, (response.status, path)
        return {"first": first or last, "last": last, "bytes": size, "lines": lines}


def _measure_size(size: int, token: str) -> dict:
    from django.db import connection

    if size == SIZES[0]:
        assert same_bytes_as_the_writer(), "the served jsonl differs from jsonl.write(iter_rows())"
    reads = [bare_read() for _ in range(REPETITIONS[size])]
    assert all(count == size for _, count in reads), reads
    local = in_process_export()
    reference = in_process_export(reference=True)
    assert reference[1] == size
    assert local[1] == size
    connection.close()  # the server runs in another process; leave it the database to itself
    with Server() as server:
        server.get("/api/v1/labels/", token)
        idle_rss = server.worker_peak_rss_mb()
        exports = [server.get("/api/v1/export/spans?format=jsonl", token) for _ in range(REPETITIONS[size])]
        peak_rss = server.worker_peak_rss_mb()
    assert all(e["lines"] == size for e in exports), exports
    return {
        "bare": [seconds for seconds, _ in reads],
        "in_process": local[0],
        "reference": reference[0],
        "http_last": [e["last"] for e in exports],
        "http_first": [e["first"] for e in exports],
        "megabytes": exports[0]["bytes"] / 1e6,
        "idle_rss": idle_rss,
        "peak_rss": peak_rss,
    }


def child() -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from knox.models import AuthToken

    _fresh_database()
    results = {"vendor": connection.vendor, "sizes": {}}
    try:
        staff = get_user_model().objects.create(username="bench-staff", is_staff=True)
        token = AuthToken.objects.create(staff)[1]
        for size in SIZES:
            started = time.perf_counter()
            generate(size)
            _analyze()
            generated = time.perf_counter() - started
            results["sizes"][size] = {**_measure_size(size, token), "generated": generated}
        if connection.vendor == "postgresql":
            results["pg"] = connection.cursor().connection.info.server_version
    finally:
        _drop_database()
    return results


# ---- parent: the Markdown section -------------------------------------------------------------------------


def _measure(url: str) -> dict:
    env = {**os.environ, "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    result = subprocess.run([sys.executable, "-m", "bench.bench_export"], cwd=REPO, env=env,
                            capture_output=True, text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"bench child for {url} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _rows(label: str, figures: dict) -> list[str]:
    lines = []
    for size, f in figures["sizes"].items():
        size = int(size)
        last, bare = statistics.median(f["http_last"]), statistics.median(f["bare"])
        verdicts = [
            f"time < {TARGETS[size]:.0f} s {'met' if last < TARGETS[size] else 'missed'}",
            f"RSS {'met' if f['peak_rss'] < RSS_TARGET_MB else 'missed'}",
            f"≤ 2× {'met' if last / bare <= 2 else 'missed'}",
        ]
        lines.append(
            f"| {label} | {size:,} | {last:.2f} s | {statistics.median(f['http_first']) * 1000:.0f} ms | "
            f"{bare:.2f} s | {last / bare:.2f}× | {f['in_process']:.2f} s | {f['reference']:.2f} s | "
            f"{f['peak_rss']:.0f} MB "
            f"({f['idle_rss']:.0f} idle) | {f['megabytes']:.0f} MB | {'; '.join(verdicts)} |"
        )
    return lines


def run() -> str:
    import sqlite3

    pg_url = os.environ.get("BENCH_DATABASE_URL", "")
    urls = {f"SQLite {sqlite3.sqlite_version}": f"sqlite:///{REPO / 'var' / 'bench-export.sqlite3'}"}
    if pg_url and dj_database_url.parse(pg_url)["ENGINE"].endswith("postgresql"):
        urls["PostgreSQL"] = pg_url
    loads, results = {}, {}
    for label, url in urls.items():
        loads[label] = os.getloadavg()[0]  # other work on the machine slows every figure alike
        results[label] = _measure(url)
    lines = [
        "## Export: 100,000 and 1,000,000 labelled spans as JSONL over HTTP",
        "",
        "Timed: `GET /api/v1/export/spans?format=jsonl` with a token, served by gunicorn (one sync "
        "worker) on 127.0.0.1 and read to the last byte by `http.client` in the bench process; the "
        "first-byte time runs from sending the request to the first body byte. Peak RSS is the worker's "
        "`VmHWM` after the exports (idle: after one small request). Baseline, same run: a bare read of the "
        "same rows as one joined query: each live span with its article's title, url, checksum, publisher "
        "and original source, its paragraph's position, its label's slug and its reviewer's username (18 "
        "columns), in export order, "
        f"{BARE_FETCH:,} rows per fetch. On SQLite a plain `sqlite3` connection reads it (no Django "
        "converters: timestamps stay text), with the span table first in a CROSS JOIN so SQLite walks "
        "the spans in paragraph order as the export does (written as Django writes it, SQLite starts from "
        "the articles and sorts the whole join, which is slower than the export itself); on PostgreSQL a "
        "server-side cursor with binary results, timestamps by psycopg's C loaders (the export reads text "
        "results, its timestamps by psycopg's C loader too). The jsonl export "
        "(`annotator/formats/fast_jsonl.py`) reads the span table alone plus, per "
        "chunk of 10,000 spans, its articles, paragraphs and new reviewers. `in process`: the same export "
        "generator consumed without HTTP; `reference path`: the same bytes from `jsonl.write` fed with "
        "`rows.iter_rows()` (one joined `values()` query through Django's converters, a dict per span), "
        "consumed the same way, which is why jsonl is served by `fast_jsonl`. "
        "Before timing, the 100,000-span jsonl is checked byte for byte "
        "against the reference path (`jsonl.write` fed with `rows.iter_rows()`). Medians of "
        f"{REPETITIONS[100_000]} (100k) and {REPETITIONS[1_000_000]} (1M) runs; "
        f"{SPANS_PER_PARAGRAPH} spans per paragraph, {PARAGRAPHS_PER_ARTICLE} paragraphs per article, "
        f"{REVIEWERS} reviewers. Load average (1 min) when each database's run started: "
        f"{', '.join(f'{load:.1f} ({label.split()[0]})' for label, load in loads.items())} on "
        f"{os.cpu_count()} cores.",
        "",
        "| database | spans | HTTP, last byte | first byte | bare read | export / bare read | in process | "
        "reference path, in process | "
        "worker peak RSS | body | targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, figures in results.items():
        if figures.get("pg"):
            label = f"PostgreSQL {figures['pg'] // 10000}.{figures['pg'] % 10000}"
        lines += _rows(label, figures)
    if "PostgreSQL" not in urls:
        lines += ["", "PostgreSQL was not measured: set BENCH_DATABASE_URL=postgres://... to include it."]
    lines += [
        "",
        "Targets: 100,000 spans in under 1 s, 1,000,000 in under 5 s with a worker under "
        f"{RSS_TARGET_MB} MB, "
        f"within 2× of the bare read. Peers exporting 100,000 spans on this machine class (figures from "
        f"the issue, not re-measured here): {PEERS}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(child()))
