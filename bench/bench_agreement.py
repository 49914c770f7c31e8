"""Agreement of a project: 6 analysts x 50 articles x 30 spans each, every figure with its interval.

The project: 50 articles of 10 paragraphs (about 60 words each), every article read by the same 6 analysts,
each of whom marks 30 spans on it (9,000 spans). Analysts start from one shared reading of each article and
depart from it as real analysts do: a span kept as is, its edges moved by a word or two, its label changed,
dropped, or replaced by one of their own, so the figures are neither 0 nor 1. Spans are written with
bulk_create (setting up 9,000 spans through the span rules is not what is measured).

Timed, each on a freshly migrated database of its own (SQLite; PostgreSQL when BENCH_DATABASE_URL names one):
- cold: the report from nothing cached: reading the project's articles, assignments and spans, then every
  figure of the project and of each of its 50 articles with its 1,000-resample interval
  (`data.project_report`);
- the same split into reading and computing;
- warm: the report again, spans unchanged (the cache key's queries and a cache hit);
- after one span is added through the span rules: the report is recomputed (the key changed).
Baseline in the same run: reading the project's spans alone (one query).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time

import dj_database_url

from bench.databases import admin_sql, run_child_on_scratch_sqlite

ANALYSTS, ARTICLES, SPANS_EACH, PARAGRAPHS, WORDS = 6, 50, 30, 10, 60
COLD_RUNS, WARM_RUNS = 5, 20
TARGET_SECONDS = 2.0
# fmt: off
VOCABULARY = [
    "the", "minister", "said", "on", "monday", "that", "port", "lease", "would", "be", "signed", "before",
    "winter", "while", "critics", "claimed", "council", "had", "hidden", "its", "terms", "and", "observers",
    "expected", "further", "delays", "according", "to", "officials",
]
# fmt: on


def _build(seed: int = 15):
    from django.contrib.auth import get_user_model

    from annotator.models import Annotation, Assignment, Label, Project, ProjectArticle
    from articles.models import Article, Paragraph, Source

    rng = random.Random(seed)
    labels = list(Label.objects.all())
    users = [get_user_model().objects.create_user(f"analyst{i}") for i in range(ANALYSTS)]
    project = Project.objects.create(name="Bench agreement", slug="bench-agreement")
    project.analysts.add(*users)
    publisher = Source.objects.create(slug="bench-agreement", name="Bench Agreement")
    spans = []
    for a in range(ARTICLES):
        texts = [" ".join(rng.choice(VOCABULARY) for _ in range(WORDS)) for _ in range(PARAGRAPHS)]
        article = Article.objects.create(
            title=f"Agreement article {a}", publisher=publisher, raw_text="\n".join(texts),
            checksum=Article.checksum_of(texts),
        )  # fmt: skip
        paragraphs = Paragraph.objects.bulk_create(
            Paragraph(article=article, position=i, text=t) for i, t in enumerate(texts)
        )
        ProjectArticle.objects.create(project=project, article=article, position=a)
        Assignment.objects.bulk_create(
            Assignment(project=project, article=article, analyst=u, position=a) for u in users
        )
        words = [[(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", t)] for t in texts]

        def random_span():
            p = rng.randrange(PARAGRAPHS)
            first = rng.randrange(WORDS - 10)
            return p, first, first + rng.randrange(1, 10), rng.choice(labels)

        shared = [random_span() for _ in range(SPANS_EACH)]
        for user in users:
            seen = set()
            for p, first, last, label in shared:
                roll = rng.random()
                if roll < 0.15:
                    p, first, last, label = random_span()  # their own span instead
                elif roll < 0.3:
                    first = max(0, first + rng.choice((-2, -1, 1)))
                    last = max(first, min(WORDS - 1, last + rng.choice((-1, 1, 2))))
                elif roll < 0.4:
                    label = rng.choice(labels)
                start, end = words[p][first][0], words[p][last][1]
                while (p, label.pk, start, end) in seen:  # one analyst never marks the same span twice
                    p, first, last, label = random_span()
                    start, end = words[p][first][0], words[p][last][1]
                seen.add((p, label.pk, start, end))
                spans.append(
                    Annotation(
                        article=article,
                        paragraph=paragraphs[p],
                        start=start,
                        end=end,
                        quote=texts[p][start:end],
                        label=label,
                        reviewer=user,
                        attributed_to=rng.choice(["", "the minister", "officials"])
                        if label.slug == "attributed_claim"
                        else "",
                    )  # fmt: skip
                )
    Annotation.objects.bulk_create(spans, batch_size=1000)
    return project, users


def _seconds(call, runs: int, cpu: list[float] | None = None) -> list[float]:
    """Return the wall-clock seconds of each run; append each run's CPU seconds to `cpu` when given (on a
    shared machine the CPU time says what the work costs, the wall clock what a user waits)."""
    out = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        out.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - started_cpu)
    return out


def child() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from annotator import spans
    from annotator.agreement import data, report
    from annotator.models import Annotation

    call_command("migrate", verbosity=0)
    project, users = _build()
    assert Annotation.objects.filter(article__projects=project).count() == ANALYSTS * ARTICLES * SPANS_EACH

    def cold():
        data.forget_reports()
        return data.project_report(project)

    cold()  # warm-up: imports, the database's caches
    result = cold()
    figures = sum(
        len(s.rows) + len(s.pairs) + len(s.attribution_pairs) + 1 for s in [result.project, *result.articles]
    )
    with_interval = sum(
        1
        for s in [result.project, *result.articles]
        for f in [r.figure for r in s.rows] + [p.figure for p in s.pairs]
        if f.low is not None
    )
    cold_cpu: list[float] = []
    cold_times = _seconds(cold, COLD_RUNS, cold_cpu)
    read_times = _seconds(lambda: data.documents(project), COLD_RUNS)
    docs, labels = data.documents(project)
    compute_times = _seconds(lambda: report.build(docs, labels), COLD_RUNS)
    baseline = _seconds(
        lambda: list(Annotation.objects.live().filter(article__projects=project).values_list("start", "end")),
        COLD_RUNS,
    )
    data.project_report(project)
    warm_times = _seconds(lambda: data.project_report(project), WARM_RUNS)
    paragraph = docs and project.entries.first().article.paragraphs.first()
    spans.create(paragraph=paragraph, label="speculation", start=0, end=3, reviewer=users[0])
    started = time.perf_counter()
    after = data.project_report(project)
    after_change = time.perf_counter() - started
    assert after is not result and after.project.spans["analyst0"] == result.project.spans["analyst0"] + 1
    version = connection.cursor().connection.info.server_version if connection.vendor != "sqlite" else None
    return {
        "vendor": connection.vendor,
        "pg": version,
        "cold": cold_times,
        "cold_cpu": cold_cpu,
        "read": read_times,
        "compute": compute_times,
        "baseline": baseline,
        "warm": warm_times,
        "after_change": after_change,
        "figures": figures,
        "with_interval": with_interval,
        "alpha": result.project.figure(report.ALL, "krippendorff_alpha").value,
        "alpha_u": result.project.figure(report.ALL, "alpha_u").value,
        "load": os.getloadavg()[0],
    }


def _postgres(url: str) -> dict:
    import subprocess
    import sys

    from bench.databases import REPO

    name = dj_database_url.parse(url)["NAME"] + "_agreement"
    own = url.rsplit("/", 1)[0] + "/" + name
    settings = dj_database_url.parse(url)
    admin_sql(settings, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "BENCH_DATABASE_URL": own, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        result = subprocess.run(
            [sys.executable, "-m", "bench.bench_agreement"],
            cwd=REPO, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"bench child failed:\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        admin_sql(settings, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} / {max(samples) * 1000:.0f}"


def run() -> str:
    import sqlite3

    results = {
        f"SQLite {sqlite3.sqlite_version}": run_child_on_scratch_sqlite(
            "bench.bench_agreement", "bench-agreement"
        )
    }
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url and dj_database_url.parse(url)["ENGINE"].endswith("postgresql"):
        figures = _postgres(url)
        results[f"PostgreSQL {figures['pg'] // 10000}.{figures['pg'] % 10000}"] = figures
    first = next(iter(results.values()))
    lines = [
        "## Agreement: every figure of a project with its interval",
        "",
        f"{ANALYSTS} analysts x {ARTICLES} articles x {SPANS_EACH} spans each "
        f"({ANALYSTS * ARTICLES * SPANS_EACH:,} spans; {PARAGRAPHS} paragraphs of {WORDS} words an article). "
        "Every figure of the project and of each article: Cohen's kappa per analyst pair, its mean, Fleiss' "
        "kappa and Krippendorff's alpha over tokens per label and over all labels, alpha_U per label and "
        "overall, attribution agreement per pair and its "
        f"alpha: {first['figures']:,} figures, {first['with_interval']:,} of them with a 1,000-resample 95 % "
        f"interval (the rest are undefined or rest on one paragraph). The project's alpha over tokens came "
        f"to {first['alpha']:.3f}, its alpha_U to {first['alpha_u']:.3f}. Baseline, same run: reading the "
        f"project's spans alone. Milliseconds, median / worst of {COLD_RUNS} runs ({WARM_RUNS} warm).",
        "",
        "| database | baseline: read the spans | cold report (read + compute) | its CPU time | read "
        "| compute | warm (unchanged spans) | after one new span | load average |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, f in results.items():
        lines.append(
            f"| {name} | {_ms(f['baseline'])} | {_ms(f['cold'])} | {_ms(f['cold_cpu'])} | {_ms(f['read'])} | "
            f"{_ms(f['compute'])} | "
            f"{_ms(f['warm'])} | {f['after_change'] * 1000:.0f} | {f['load']:.1f} |"
        )
    if len(results) == 1:
        lines += ["", "PostgreSQL was not measured: set BENCH_DATABASE_URL=postgres://... to include it."]
    worst = max(max(f["cold"]) for f in results.values())
    worst_cpu = max(max(f["cold_cpu"]) for f in results.values())
    lines += [
        "",
        f"Target: the cold report in under {TARGET_SECONDS:g} s: worst cold run {worst:.2f} s of wall clock "
        f"({'met' if worst < TARGET_SECONDS else 'missed'}), {worst_cpu:.2f} s of CPU "
        f"({'met' if worst_cpu < TARGET_SECONDS else 'missed'}). The report is cached under a key made of "
        "the "
        "count and newest change of the project's spans, its newest history entry, its assignments and the "
        "labels, "
        "so it is recomputed only when one of them changes (the last column). The machine is shared with "
        "other work (the load average beside each row), so the figures are noisy.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(child()))
