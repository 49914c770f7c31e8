"""Load: simulated analysts and a streaming exporter on gunicorn, then every acknowledged write reconciled.

Each analyst logs in through the login form (CSRF and all); once all have, each loops for a fixed time
through one cycle on an article shared with other analysts: open the workbench page, a no-op request (the
baseline), create a span through the API, relabel it in the workbench (htmx), relabel it again through the
API, delete it in the workbench and undo the deletion there. One exporter streams the JSON Lines export
meanwhile. Every write the server acknowledged is then checked against the database: the span exists (not
lost), has the version, label and deleted state of the last acknowledged write, and one history row per
acknowledged write; a span of the load's users that no acknowledgement names is a phantom. A span whose
write failed or timed out is left out of the checks (the client cannot know its outcome) and counted as
uncertain.

Every loop is bounded in time and count, and all traffic goes to 127.0.0.1. The server is gunicorn on a
scratch database: PostgreSQL `annotator_bench_load` (created and dropped) when BENCH_DATABASE_URL names a
PostgreSQL server, and a SQLite file in var/ (removed after).

Faults (`python -m bench.bench_load --fault kill-worker`): SIGKILL one gunicorn worker half-way; gunicorn
starts another. Requests in flight on it fail and count as errors; nothing acknowledged may be lost.
`--fault restart-postgres` runs BENCH_PG_RESTART_COMMAND (e.g. `sudo systemctl restart postgresql`)
half-way: only on a machine of your own, since it cuts every other client of that server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url

from bench.databases import admin_sql, remove_sqlite

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
SECONDS, POSTGRES_ANALYSTS, SQLITE_ANALYSTS = 60, 25, 5
# On SQLite the task worker scans this many new synthetic articles while the analysts write.
SQLITE_WORKER_ARTICLES = 400
WORKERS, THREADS = int(os.environ.get("LOAD_WORKERS", 4)), int(os.environ.get("LOAD_THREADS", 8))
ARTICLES, PARAGRAPHS, WORDS = 4, 20, 50
MAX_CYCLES, REQUEST_TIMEOUT, STARTUP_SECONDS, LOGIN_SECONDS = 5_000, 30, 60, 180
PASSWORD = "load-test-password"
EXPORT = "export (whole stream)"
LABELS = ["reported_fact", "attributed_claim", "speculation", "boilerplate"]


# ---- child processes: prepare and reconcile one database ------------------------------------------------


def prepare(analysts: int, corpus: int = 0) -> dict:
    """Migrate, create the users and the shared articles; return their ids.

    With `corpus`, also store that many synthetic articles and queue their reuse detection, as an import
    leaves them, for the task worker to do during the load."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model

    from annotator.models import Label
    from articles import importers

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    for number in range(analysts):
        users.create_user(f"analyst{number}", password=PASSWORD)
    users.create_user("exporter", password=PASSWORD, is_staff=True)
    text = " ".join(f"w{number:02d}" for number in range(WORDS))
    articles = [
        {"title": f"Load article {a}", "paragraphs": [f"{text} p{a}x{p}" for p in range(PARAGRAPHS)]}
        for a in range(ARTICLES)
    ]
    lines = [json.dumps(article) for article in articles]
    report = importers.import_bytes("\n".join(lines).encode(), name="load.jsonl")
    assert report.error is None, report.error
    if corpus:
        from articles.tasks import detect_reuse
        from bench.reuse_corpus import generate, store

        synthetic, _ = generate(corpus, seed=2016)
        detect_reuse.enqueue(store(synthetic))
    return {
        "articles": [
            {"id": article.pk, "paragraphs": [p.pk for p in article.paragraphs.order_by("position")]}
            for article in report.articles
        ],
        "labels": [slug for slug in LABELS if Label.objects.filter(slug=slug).exists()],
        "text": text,
    }


def reconcile(expected: dict) -> dict:
    """Compare the acknowledged writes with the database."""
    import django

    django.setup()
    from django.db.models import Count

    from annotator.models import Annotation

    stored = {
        row["pk"]: row
        for row in Annotation.objects.filter(reviewer__username__startswith="analyst")
        .annotate(history=Count("changes"))
        .values("pk", "version", "label__slug", "deleted_at", "history")
    }
    counts = Counter()
    for pk, want in expected["spans"].items():
        row = stored.get(int(pk))
        if row is None:
            counts["lost"] += 1
            continue
        state = (row["version"], row["label__slug"], row["deleted_at"] is not None)
        if state != (want["version"], want["label"], want["deleted"]):
            counts["wrong version"] += 1
        if row["history"] < want["history"]:
            counts["history missing"] += 1
    known = {int(pk) for pk in expected["spans"]} | set(expected["uncertain"])
    counts["phantom"] = len(set(stored) - known)
    counts["checked"] = len(expected["spans"])
    from articles.models import ReuseScan

    counts["scanned"] = ReuseScan.objects.count()
    return dict(counts)


# ---- the load ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What every client saw; appended to from many threads (list.append and Counter updates hold the GIL)."""

    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    spans: dict[int, dict] = field(default_factory=dict)
    uncertain: list[int] = field(default_factory=list)
    requests: int = 0
    exported: int = 0

    def time(self, kind: str, milliseconds: float) -> None:
        self.timings.setdefault(kind, []).append(milliseconds)
        self.requests += 1


class Clock:
    """Starts the timed run once every client has logged in, so the logins (a password hash each) stay out."""

    def __init__(self, clients: int, seconds: float, tally: Tally) -> None:
        self.seconds, self.tally = seconds, tally
        self.started = self.deadline = 0.0
        self.requests_before = 0
        self.ready = threading.Event()
        self.barrier = threading.Barrier(clients, action=self._start, timeout=LOGIN_SECONDS)

    def _start(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds
        self.requests_before = self.tally.requests
        self.ready.set()

    def wait_for_everyone(self) -> None:
        # A client that never arrives breaks the barrier: the deadline stays 0 and every client stops at once.
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait()

    def is_over(self) -> bool:
        return time.monotonic() >= self.deadline


class Analyst:
    def __init__(self, base: str, username: str, tally: Tally, clock: Clock) -> None:
        import requests

        self.base, self.username, self.tally, self.clock = base, username, tally, clock
        self.session = requests.Session()

    def logged_in(self) -> bool:
        """Log in, then wait for every other client; return whether this one got in."""
        try:
            self.log_in()
            return True
        except _Failed:
            return False
        finally:
            self.clock.wait_for_everyone()

    def call(self, kind: str, method: str, path: str, expect: int, timeout: float = REQUEST_TIMEOUT, **kw):
        """One request, timed; a wrong status or a failed connection counts as an error and raises."""
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, timeout=timeout, **kw)
        except OSError as error:
            self.tally.errors[f"{kind}: {type(error).__name__}"] += 1
            raise _Failed from error
        self.tally.time(kind, (time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            self.tally.errors[f"{kind}: {response.status_code}"] += 1
            raise _Failed
        return response

    def log_in(self) -> None:
        page = self.call("login page", "GET", "/accounts/login/", 200, timeout=LOGIN_SECONDS)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
        # Every client logs in at once, and each login hashes a password: allow them the time that takes.
        self.call("log in", "POST", "/accounts/login/", 200, data=form, timeout=LOGIN_SECONDS)
        self.session.headers["X-CSRFToken"] = self.session.cookies["csrftoken"]

    def cycle(self, number: int, article: dict, labels: list[str], text: str) -> None:
        htmx = {"HX-Request": "true"}
        paragraph = article["paragraphs"][number % PARAGRAPHS]
        word = (number // PARAGRAPHS) % WORDS
        length = (number // (PARAGRAPHS * WORDS)) % 5 + 1
        start = word * 4
        end = min(start + length * 4 - 1, len(text))
        first, second, third = (labels[(number + shift) % len(labels)] for shift in range(3))
        self.call("workbench page", "GET", f"/articles/{article['id']}/", 200)
        self.call("no-op", "GET", "/bench/noop/", 200)
        body = {"paragraph": paragraph, "start": start, "end": end, "label": first, "quote": text[start:end]}
        created = self.call("api create", "POST", "/api/v1/annotations/", 201, json=body).json()
        pk = created["id"]
        state = {"version": 1, "label": first, "deleted": False, "history": 1}
        self.tally.spans[pk] = state
        try:
            relabel = {"version": 1, "label": second}
            self.call("htmx relabel", "POST", f"/spans/{pk}/change/", 200, data=relabel, headers=htmx)
            state.update(version=2, label=second, history=2)
            relabel = {"version": 2, "label": third}
            self.call("api relabel", "PATCH", f"/api/v1/annotations/{pk}/", 200, json=relabel)
            state.update(version=3, label=third, history=3)
            self.call("htmx delete", "POST", f"/spans/{pk}/delete/", 200, data={"version": 3}, headers=htmx)
            state.update(version=4, deleted=True, history=4)
            self.call("htmx undo", "POST", f"/articles/{article['id']}/undo/", 200, headers=htmx)
            state.update(version=5, deleted=False, history=5)
        except _Failed:
            del self.tally.spans[pk]
            self.tally.uncertain.append(pk)
            raise

    def run(self, article: dict, labels: list[str], text: str) -> None:
        if not self.logged_in():
            return
        for number in range(MAX_CYCLES):
            if self.clock.is_over():
                return
            try:
                self.cycle(number, article, labels, text)
            except _Failed:
                time.sleep(0.1)


class _Failed(Exception):
    pass


def export_until(client: Analyst) -> None:
    if not client.logged_in():
        return
    for _ in range(MAX_CYCLES):
        if client.clock.is_over():
            return
        started = time.perf_counter()
        try:
            with client.session.get(
                client.base + "/api/v1/export/spans?format=jsonl", stream=True, timeout=REQUEST_TIMEOUT
            ) as response:
                size = sum(len(chunk) for chunk in response.iter_content(65536))
        except OSError as error:
            client.tally.errors[f"export: {type(error).__name__}"] += 1
            continue
        client.tally.time(EXPORT, (time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            client.tally.errors[f"export: {response.status_code}"] += 1
        client.tally.exported += size


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_until_serving(port: int, server: subprocess.Popen) -> None:
    for _ in range(STARTUP_SECONDS * 10):
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen within {STARTUP_SECONDS} s")


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _inject(fault: str, server: subprocess.Popen, clock: Clock, log: list[str]) -> None:
    if not clock.ready.wait(timeout=LOGIN_SECONDS):
        return
    after = clock.seconds / 2
    time.sleep(after)
    if fault == "kill-worker":
        pids = _worker_pids(server.pid)
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            log.append(f"SIGKILL to gunicorn worker {pids[0]} after {after:.0f} s")
    elif fault == "restart-postgres":
        command = os.environ.get("BENCH_PG_RESTART_COMMAND")
        if not command:
            log.append("restart-postgres skipped: BENCH_PG_RESTART_COMMAND is not set")
            return
        subprocess.run(command, shell=True, timeout=120, check=False)
        log.append(f"ran {command!r} after {after:.0f} s")


def _child(step: str, url: str, payload: dict) -> dict:
    """Run `prepare`, `reconcile` or `measure` in a process set up for the scratch database."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.load_settings", "BENCH_DATABASE_URL": url}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(payload, handle)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bench.bench_load", "--child", step, handle.name],
            cwd=REPO, env=environment, capture_output=True, text=True, timeout=1200, check=False,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    if result.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])


def measure(url: str, analysts: int, seconds: float, fault: str | None = None, corpus: int = 0) -> dict:
    """Serve `url` with gunicorn, drive the load for `seconds`, then reconcile; return the figures.

    With `corpus`, a real task worker (`manage.py db_worker`) scans that many new articles meanwhile."""
    setup = _child("prepare", url, {"analysts": analysts, "corpus": corpus})
    port = _free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "BENCH_DATABASE_URL": url,
        "LOG_LEVEL": "ERROR",
    }
    environment.pop("DEBUG", None)
    command = [sys.executable, "-m", "gunicorn", "annotator.wsgi", "--bind", f"{HOST}:{port}",
               "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
               "--timeout", "60", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, cwd=REPO, env=environment, start_new_session=True)
    worker = None
    if corpus:
        worker_command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload",
                          "--no-startup-delay", "--interval", "0.2"]  # fmt: skip
        worker = subprocess.Popen(
            worker_command, cwd=REPO, env=environment, start_new_session=True, stdout=subprocess.DEVNULL
        )
    tally, faults = Tally(), []
    try:
        _wait_until_serving(port, server)
        base = f"http://{HOST}:{port}"
        clock = Clock(analysts + 1, seconds, tally)
        threads = [
            threading.Thread(
                target=Analyst(base, f"analyst{n}", tally, clock).run,
                args=(setup["articles"][n % len(setup["articles"])], setup["labels"], setup["text"]),
            )
            for n in range(analysts)
        ]
        exporter = Analyst(base, "exporter", tally, clock)
        threads.append(threading.Thread(target=export_until, args=(exporter,)))
        if fault:
            inject = threading.Thread(target=_inject, args=(fault, server, clock, faults), daemon=True)
            threads.append(inject)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=LOGIN_SECONDS + seconds + REQUEST_TIMEOUT + 30)
        elapsed = time.monotonic() - clock.started if clock.started else float("nan")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
    spans = {str(pk): state for pk, state in tally.spans.items()}
    checked = _child("reconcile", url, {"spans": spans, "uncertain": tally.uncertain})
    return {
        "analysts": analysts,
        "seconds": round(elapsed, 1),
        "requests": tally.requests - clock.requests_before,
        "throughput": (tally.requests - clock.requests_before) / elapsed,
        "p95": {kind: _p95(samples) for kind, samples in tally.timings.items()},
        "all p95": _p95([ms for kind, s in tally.timings.items() if kind != EXPORT for ms in s]),
        "errors": dict(tally.errors),
        "uncertain": len(tally.uncertain),
        "exports": len(tally.timings.get(EXPORT, [])),
        "reconciled": checked,
        "faults": faults,
        "worker": f"task worker running: it scanned {checked['scanned']} of {corpus} new articles meanwhile"
        if corpus
        else "",
        "load": os.getloadavg(),
    }


def isolated_measure(url: str, analysts: int, seconds: float, fault: str | None, corpus: int = 0) -> dict:
    """`measure` in a fresh process. The clients' threads share one interpreter: in a process that has
    Django and the whole project loaded (as `make bench` has), its larger heap makes every garbage
    collection pause all of them, and the same server measured 84 requests a second instead of 108."""
    payload = {"analysts": analysts, "seconds": seconds, "fault": fault, "corpus": corpus}
    return _child("measure", url, payload)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)] if ordered else float("nan")


def postgres(bench_url: str, analysts: int, seconds: float, fault: str | None = None) -> dict:
    settings = dj_database_url.parse(bench_url)
    name = "annotator_bench_load"
    admin_sql(settings, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    try:
        return isolated_measure(bench_url.rsplit("/", 1)[0] + f"/{name}", analysts, seconds, fault)
    finally:
        admin_sql(settings, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def sqlite(
    analysts: int, seconds: float, fault: str | None = None, corpus: int = SQLITE_WORKER_ARTICLES
) -> dict:
    path = REPO / "var" / "bench_load.sqlite3"
    remove_sqlite(path)
    try:
        return isolated_measure(f"sqlite:///{path}", analysts, seconds, fault, corpus)
    finally:
        remove_sqlite(path)


def section(results: dict[str, dict]) -> str:
    lines = [
        "## Load: analysts and an exporter against gunicorn, every acknowledged write reconciled",
        "",
        f"gunicorn, {WORKERS} gthread workers x {THREADS} threads, on a scratch database. Each analyst "
        "loops: workbench page, no-op request, API create, htmx relabel, API relabel, htmx delete, htmx "
        "undo; one exporter streams the JSON Lines export meanwhile. Times in milliseconds; p95 all leaves "
        "the export's whole streams out.",
        "",
        "| database | analysts + exporter | seconds | requests/s | p95 all | p95 no-op | errors | "
        "lost / phantom / wrong version / history missing (checked) | load average |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, figures in results.items():
        checked = figures["reconciled"]
        reconciled = " / ".join(
            str(checked.get(key, 0)) for key in ("lost", "phantom", "wrong version", "history missing")
        )
        errors = sum(figures["errors"].values())
        lines.append(
            f"| {label} | {figures['analysts']} + 1 | {figures['seconds']} | {figures['throughput']:.1f} | "
            f"{figures['all p95']:.0f} | {figures['p95'].get('no-op', float('nan')):.0f} | {errors} | "
            f"{reconciled} ({checked.get('checked', 0)}) | {' '.join(f'{x:.1f}' for x in figures['load'])} |"
        )
        kinds = ", ".join(f"{kind} {p95:.0f}" for kind, p95 in sorted(figures["p95"].items()))
        lines.append(f"|  | p95 by request: {kinds}; {figures['exports']} exports |")
        if figures["errors"]:
            errors = ", ".join(f"{kind} x{count}" for kind, count in sorted(figures["errors"].items()))
            lines.append(f"|  | errors: {errors} |")
        if figures["faults"]:
            faults = "; ".join(figures["faults"])
            lines.append(f"|  | faults: {faults}, {figures['uncertain']} spans uncertain |")
        if figures.get("worker"):
            lines.append(f"|  | {figures['worker']} |")
    return "\n".join(lines)


# The fault runs are not part of `make bench` (one restarts the database server); `--fault` records its
# figures here, and every regenerated Load section carries the last ones.
FAULTS = REPO / "bench" / "results" / "load_faults.md"
THROUGHPUT_TARGET = 100  # requests a second: twice the ~50 measured before the span locking was fixed


def verdicts(results: dict[str, dict]) -> str:
    """The targets of the load figures, each said met or missed from this run's own figures."""
    said = []
    postgres = results.get("PostgreSQL")
    if postgres:
        clean = not postgres["errors"] and not any(
            postgres["reconciled"].get(key) for key in ("lost", "phantom", "wrong version", "history missing")
        )
        fast = postgres["throughput"] >= THROUGHPUT_TARGET
        said.append(
            f"PostgreSQL, {postgres['analysts']} analysts + 1 exporter: 0 errors and nothing lost or phantom "
            f"**{'met' if clean else 'missed'}**; throughput at least {THROUGHPUT_TARGET} requests a second "
            f"(twice the ~50 before this work) **{'met' if fast else 'missed'}** at "
            f"{postgres['throughput']:.1f}, with the no-op request's p95 "
            f"({postgres['p95'].get('no-op', float('nan')):.0f} ms) as the same run's baseline."
        )
    sqlite = results.get("SQLite")
    if sqlite:
        clean = not sqlite["errors"]
        said.append(
            f"SQLite with the task worker running, {sqlite['analysts']} analysts: 0 errors "
            f"**{'met' if clean else 'missed'}**."
        )
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (
        f"Measured {started} with `make bench BENCH=load`; the clients run on the same cores as the server "
        "(the load average column). Targets: " + " ".join(said)
    )


def fault_row(fault: str, figures: dict) -> str:
    checked = figures["reconciled"]
    reconciled = " / ".join(
        str(checked.get(key, 0)) for key in ("lost", "phantom", "wrong version", "history missing")
    )
    errors = ", ".join(f"{kind} x{count}" for kind, count in sorted(figures["errors"].items())) or "none"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = " ".join(f"{x:.1f}" for x in figures["load"])
    return (
        f"| `{fault}` ({'; '.join(figures['faults'])}; {when}, load {load}) | {figures['throughput']:.1f} | "
        f"{sum(figures['errors'].values())}: {errors} | {reconciled} ({checked.get('checked', 0)}) | "
        f"{figures['uncertain']} |"
    )


def record_fault(fault: str, figures: dict) -> None:
    """Replace this fault's row in the fault table that the Load section carries."""
    rows = {}
    if FAULTS.exists():
        for line in FAULTS.read_text().splitlines():
            if line.startswith("| `"):
                rows[line.split("`")[1]] = line
    rows[fault] = fault_row(fault, figures)
    FAULTS.write_text(
        "Faults, `python -m bench.bench_load --database postgres --seconds 30 --fault F` (not part of "
        "`make bench`, since one of them restarts the database server):\n\n"
        "| fault | requests/s | errors | lost / phantom / wrong version / history missing (checked) | "
        "uncertain |\n|---|---|---|---|---|\n"
        + "\n".join(rows[name] for name in sorted(rows))
        + "\n\nBoth recover with no manual step: gunicorn starts a new worker, and the next request after "
        'the restart reconnects. "Uncertain" spans are those whose write failed or timed out, whose '
        "outcome the client cannot know; they are excluded from the reconciliation. An export cut "
        "mid-stream cannot change its status once the first bytes are sent.\n"
    )


def run(seconds: float = SECONDS, fault: str | None = None, which: str = "both") -> str:
    results = {}
    if which in ("both", "sqlite"):
        results["SQLite"] = sqlite(SQLITE_ANALYSTS, seconds, fault)
    bench_url = os.environ.get("BENCH_DATABASE_URL", "")
    if which in ("both", "postgres") and dj_database_url.parse(bench_url or "sqlite://")["ENGINE"].endswith(
        "postgresql"
    ):
        results["PostgreSQL"] = postgres(bench_url, POSTGRES_ANALYSTS, seconds, fault)
    if fault:
        for figures in results.values():
            record_fault(fault, figures)
        return section(results)
    parts = [section(results), verdicts(results)]
    if FAULTS.exists():
        parts.append(FAULTS.read_text().strip())
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("STEP", "PAYLOAD"), help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--database", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument("--fault", choices=["kill-worker", "restart-postgres"])
    arguments = parser.parse_args()
    if arguments.child:
        step, payload = arguments.child
        data = json.loads(Path(payload).read_text())
        if step == "measure":
            url = os.environ["BENCH_DATABASE_URL"]
            result = measure(url, data["analysts"], data["seconds"], data["fault"], data["corpus"])
        elif step == "prepare":
            result = prepare(data["analysts"], data.get("corpus", 0))
        else:
            result = reconcile(data)
        print(json.dumps(result))
        return
    print(run(arguments.seconds, arguments.fault, arguments.database))
    if arguments.fault:
        print(f"Recorded in {FAULTS.relative_to(REPO)}; `make bench BENCH=load` carries it into the report.")


if __name__ == "__main__":
    main()
