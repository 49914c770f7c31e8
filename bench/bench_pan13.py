"""Passage alignment on the PAN 2013 text-alignment sample (../shared/corpus/pan13-dev), beside a baseline.

Scored: `articles.passages.align(source, suspicious)` called on each listed pair, and in the same run the
plain word-5-gram seed-and-merge aligner of `bench/word5_aligner.py` on the same pairs. The figures are PAN's
(`bench/pan13.py`): character precision, recall, granularity and plagdet per obfuscation type and overall,
the share of positive pairs linked, and the negative pairs given any link. Time is CPU time of the aligner
alone, per pair and per suspicious document against all its listed sources (the shape of one new article
against its candidates: the new article's words and seeds are prepared once, each candidate's per pair).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable

from bench import pan13
from bench.pan13 import Alignment, Pair

NEWS_LENGTH = 8_000


def product_aligner() -> Callable[[Pair], list[Alignment]]:
    """Align each pair; a suspicious document is prepared once, as a new article is for its candidates."""
    from articles import passages

    prepared: dict[str, passages.Document] = {}

    def align(pair: Pair) -> list[Alignment]:
        if pair.susp not in prepared:
            prepared.clear()
            prepared[pair.susp] = passages.Document(pair.susp_text)
        found = passages.align(pair.src_text, prepared[pair.susp])
        return [Alignment(p.b_start, p.b_end, p.a_start, p.a_end) for p in found]

    return align


def baseline_aligner() -> Callable[[Pair], list[Alignment]]:
    from bench import word5_aligner

    def align(pair: Pair) -> list[Alignment]:
        found = word5_aligner.align(pair.src_text, pair.susp_text)
        return [Alignment(b0, b1, a0, a1) for a0, a1, b0, b1 in found]

    return align


def measure(pairs: list[Pair], align: Callable[[Pair], list[Alignment]]) -> dict:
    """Run the aligner on every pair (documents read beforehand) and return its figures."""
    for pair in pairs:
        pair.susp_text, pair.src_text  # noqa: B018  (read and cache, so the clock times aligning only)
    seconds: list[float] = []
    news_length: list[float] = []
    per_susp: dict[tuple[str, str], float] = defaultdict(float)
    for pair in pairs:
        clock = time.process_time()
        pair.detections = align(pair)
        elapsed = time.process_time() - clock
        seconds.append(elapsed)
        if max(len(pair.susp_text), len(pair.src_text)) <= NEWS_LENGTH:
            news_length.append(elapsed)
        per_susp[pair.folder, pair.susp] += elapsed
    figures: dict = {"types": {}}
    for folder in pan13.FOLDERS:
        group = [p for p in pairs if p.folder == folder]
        figures["types"][folder] = _figures(group)
    figures["all"] = _figures(pairs)
    figures["time"] = {
        "mean": statistics.mean(seconds),
        "p95": statistics.quantiles(seconds, n=20)[-1],
        "max": max(seconds),
        "susp_mean": statistics.mean(per_susp.values()),
        "susp_max": max(per_susp.values()),
        "pairs_per_susp": len(pairs) / len(per_susp),
        "news_mean": statistics.mean(news_length),
        "news_pairs": len(news_length),
    }
    return figures


def _figures(group: list[Pair]) -> dict:
    s = pan13.score(group)
    linked, negatives = pan13.false_link_rate(group)
    return {
        "plagdet": s.plagdet,
        "precision": s.precision,
        "recall": s.recall,
        "granularity": s.granularity,
        "cases": s.cases,
        "detections": s.detections,
        "pair_recall": pan13.pair_recall(group),
        "false_links": linked,
        "negatives": negatives,
    }


def _row(name: str, f: dict) -> str:
    negatives = f"{f['false_links']} / {f['negatives']}" if f["negatives"] else "–"
    pair_recall = f"{f['pair_recall']:.3f}" if f["cases"] else "–"
    return (
        f"| {name} | {f['cases']} | {f['detections']} | {f['plagdet']:.3f} | {f['precision']:.3f} "
        f"| {f['recall']:.3f} | {f['granularity']:.3f} | {pair_recall} | {negatives} |"
    )


def section(ours: dict, baseline: dict) -> str:
    lines = [
        "## Passage alignment: PAN 2013 text-alignment sample (pan13-dev)",
        "",
        __doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
        "",
        "| Obfuscation | Aligner | Cases | Detections | plagdet | Precision | Recall | Granularity "
        "| Pairs linked | Negative pairs linked |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for folder, name in [*pan13.FOLDERS.items(), ("all", "all")]:
        for aligner, figures in (("passages", ours), ("word-5-gram baseline", baseline)):
            f = figures["all"] if folder == "all" else figures["types"][folder]
            lines.append(_row(f"{name} | {aligner}", f))
    for aligner, figures in (("passages", ours), ("word-5-gram baseline", baseline)):
        t = figures["time"]
        lines.append(
            f"\n{aligner}: {t['mean'] * 1000:.1f} ms CPU per pair (p95 {t['p95'] * 1000:.1f} ms, max "
            f"{t['max'] * 1000:.0f} ms); one suspicious document against its "
            f"{t['pairs_per_susp']:.1f} listed sources on average: {t['susp_mean'] * 1000:.0f} ms "
            f"(max {t['susp_max'] * 1000:.0f} ms); the {t['news_pairs']} pairs whose texts both have at most "
            f"{NEWS_LENGTH:,} characters (news length): {t['news_mean'] * 1000:.1f} ms per pair."
        )
    return "\n".join(lines)


def run() -> str:
    if not pan13.CORPUS.is_dir():
        return "## Passage alignment: PAN 2013 sample\n\nNot measured: ../shared/corpus/pan13-dev is missing."
    pairs = pan13.read_pairs()
    ours = measure(pairs, product_aligner())
    baseline = measure([Pair(p.folder, p.susp, p.src, p.cases) for p in pairs], baseline_aligner())
    return section(ours, baseline)


if __name__ == "__main__":
    sys.stdout.write(run() + "\n")
