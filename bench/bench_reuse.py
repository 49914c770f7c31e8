"""Reuse detection on synthetic corpora of 1,000 and 10,000 articles, and one new article against 10,000.

The corpus comes from `bench/reuse_corpus.py` (planted copies, edits, partial quotes, shuffled paragraphs, one
footer per outlet). The measurement runs in a child process on its own SQLite file, migrated fresh. Baseline,
same run: reading the same articles' paragraphs from the database and cutting them into normalised
sentences, the work any detection has to do, so the ratio shows what finding and storing the reuse adds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Smaller sizes for a quick try: BENCH_REUSE_SIZES=200,1000
SIZES = tuple(int(n) for n in os.environ.get("BENCH_REUSE_SIZES", "1000,10000").split(","))
SEED = 2016


def _baseline(ids: list[int]) -> float:
    from articles.detection import article_sentences
    from articles.models import Article

    started = time.perf_counter()
    for article in Article.objects.filter(pk__in=ids).iterator(chunk_size=500):
        article_sentences(article)
    return time.perf_counter() - started


def _timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def child() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from articles import boilerplate, detection
    from articles.models import Article, ReuseFingerprint, ReuseLink
    from bench.reuse_corpus import evaluate, generate, kinds_planted, store

    call_command("migrate", verbosity=0)
    articles, planted = generate(SIZES[-1] + 1, seed=SEED)
    ids = store(articles[:-1])
    figures: dict = {"planted": dict(kinds_planted(planted)), "runs": []}
    for size in SIZES:
        detection.clear()
        baseline = _baseline(ids[:size])
        elapsed, links = _timed(detection.detect, ids[:size])
        figures["runs"].append(
            {
                "size": size,
                "detect": elapsed,
                "baseline": baseline,
                "links": links,
                "fingerprints": ReuseFingerprint.objects.count(),
            }
        )
    scores = evaluate(articles[:-1], ids, [p for p in planted if p.copy[0] < SIZES[-1]])
    figures["scores"] = [
        {"kind": s.kind, "planted": s.planted, "found": s.found, "precision": s.precision, "recall": s.recall}
        for s in scores
    ]
    [new_id] = store(articles[-1:], offset=SIZES[-1])
    new = Article.objects.get(pk=new_id)
    figures["new"] = {"baseline": _baseline([new_id]), "detect": _timed(detection.detect, [new_id])[0]}
    # The two parts of that call, timed again on their own (each gives the same result a second time).
    figures["new"]["boilerplate"] = _timed(boilerplate.refresh, new.publisher_id)[0]
    figures["new"]["scan"] = _timed(detection.scan, new)[0]
    figures["new"]["publisher_articles"] = Article.objects.filter(publisher=new.publisher).count()
    figures["new"]["links"] = ReuseLink.objects.involving(new).count()
    return figures


def _section(f: dict) -> str:
    small, large = f["runs"]
    growth = large["detect"] / small["detect"]
    base_growth = large["baseline"] / small["baseline"]
    new = f["new"]
    lines = [
        "## Reuse detection: synthetic corpora with planted reuse",
        "",
        "Timed: `articles.detection.detect(ids)` on an empty index, which is what `manage.py detect_reuse "
        "--rebuild` runs: boilerplate per outlet, then every article's sentences looked up in the n-gram "
        "index, classified and linked, and its fingerprints added to the index. Baseline, same run: reading "
        "the same articles' paragraphs from the database and cutting them into normalised sentences. "
        f"Synthetic corpus (`bench/reuse_corpus.py`, seed {SEED}): 4–9 paragraphs of 1–4 sentences of 12–30 "
        "Zipf-distributed words per article, 20 outlets each with a two-paragraph footer, and a third of the "
        "articles reusing earlier ones. SQLite, one process, one run.",
        "",
        "| Articles | Detection | Baseline (read + normalise) | Detection / baseline | Links | Index rows |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for run in f["runs"]:
        per_article = run["detect"] / run["size"] * 1000
        lines.append(
            f"| {run['size']:,} | {run['detect']:.1f} s ({per_article:.1f} ms/article) "
            f"| {run['baseline']:.1f} s | {run['detect'] / run['baseline']:.1f}× | {run['links']:,} "
            f"| {run['fingerprints']:,} |"
        )
    ratio = large["size"] / small["size"]
    lines += [
        "",
        f"Growth from {small['size']:,} to {large['size']:,} articles: detection ×{growth:.1f}, "
        f"baseline ×{base_growth:.1f} (×{ratio:.0f} is linear). The cost per article depends on its own "
        "sentences and on how many indexed sentences share a fingerprint with them (fingerprints held by "
        "more than `detection.MAX_POSTINGS` sentences are skipped as common phrasing), not on corpus size.",
        "",
        f"One new article against the {large['size']:,}: {new['detect'] * 1000:.0f} ms in all, of which "
        f"the scan (lookup, classification, links, index rows) {new['scan'] * 1000:.0f} ms and the refresh "
        f"of its outlet's boilerplate ({new['publisher_articles']:,} articles) "
        f"{new['boilerplate'] * 1000:.0f} ms; baseline (read + normalise the one article) "
        f"{new['baseline'] * 1000:.1f} ms. It was linked to {new['links']} sentences.",
        "",
        f"Precision and recall on the {large['size']:,}-article corpus, per kind of planted reuse (a link "
        "counts when it joins the two planted sentences with the planted kind; `any` ignores the kind):",
        "",
        "| Kind | Planted | Found | Precision | Recall |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in f["scores"]:
        lines.append(
            f"| {s['kind']} | {s['planted']:,} | {s['found']:,} | {s['precision']:.3f} | {s['recall']:.3f} |"
        )
    return "\n".join(lines)


def run() -> str:
    path = REPO / "var" / "bench-reuse.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_reuse"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{result.stderr}")
    return _section(json.loads(result.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    print(json.dumps(child()))
