"""The PAN 2013 text-alignment sample in ../shared/corpus/pan13-dev and PAN's passage measures.

Read the sample's README for the format. Offsets are code-point indices into the documents read as UTF-8;
a case or a detection is a pair of ranges, one in the suspicious document and one in the source. The
measures follow Potthast et al., "An Evaluation Framework for Plagiarism Detection" (COLING 2010), as PAN's
`perfmeasures.py` computes them: macro-averaged precision over detections and recall over cases, both on
the characters of the two documents together, granularity over the cases detected, and plagdet.
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "pan13-dev"
FOLDERS = {
    "01-no-plagiarism": "no plagiarism",
    "02-no-obfuscation": "verbatim",
    "03-random-obfuscation": "random edits",
    "04-translation-obfuscation": "translation chains",
    "05-summary-obfuscation": "summaries",
}


@dataclass(frozen=True)
class Alignment:
    """A reused passage (gold) or a detection: [start, end) in the suspicious and in the source document."""

    susp_start: int
    susp_end: int
    src_start: int
    src_end: int

    @property
    def size(self) -> int:
        return (self.susp_end - self.susp_start) + (self.src_end - self.src_start)


@dataclass
class Pair:
    folder: str
    susp: str
    src: str
    cases: list[Alignment]
    detections: list[Alignment] = field(default_factory=list)

    @property
    def susp_text(self) -> str:
        return read_document("susp", self.susp)

    @property
    def src_text(self) -> str:
        return read_document("src", self.src)


@cache
def read_document(kind: str, name: str) -> str:
    return (CORPUS / kind / name).read_text(encoding="utf-8")


def _gold(folder: str, susp: str, src: str) -> list[Alignment]:
    path = CORPUS / folder / f"{Path(susp).stem}-{Path(src).stem}.xml"
    cases = []
    for feature in ElementTree.parse(path).getroot():
        if feature.get("name") != "plagiarism":
            continue
        this, source = int(feature.get("this_offset")), int(feature.get("source_offset"))
        cases.append(
            Alignment(
                this,
                this + int(feature.get("this_length")),
                source,
                source + int(feature.get("source_length")),
            )
        )
    return cases


def read_pairs() -> list[Pair]:
    """Return every listed pair of the sample with its gold cases, folder by folder."""
    pairs = []
    for folder in FOLDERS:
        for line in (CORPUS / folder / "pairs").read_text().splitlines():
            susp, src = line.split()
            pairs.append(Pair(folder, susp, src, _gold(folder, susp, src)))
    return pairs


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> tuple[int, int] | None:
    start, end = max(a_start, b_start), min(a_end, b_end)
    return (start, end) if start < end else None


def _detects(r: Alignment, s: Alignment) -> bool:
    return bool(
        _overlap(r.susp_start, r.susp_end, s.susp_start, s.susp_end)
        and _overlap(r.src_start, r.src_end, s.src_start, s.src_end)
    )


def _union_length(ranges: Iterable[tuple[int, int]]) -> int:
    total, reach = 0, -1
    for start, end in sorted(ranges):
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _covered(target: Alignment, others: list[Alignment]) -> int:
    """Return |⋃ (target ∩ o)| over the `others` that overlap target in both documents, on both sides."""
    hits = [o for o in others if _detects(target, o)]
    susp = [_overlap(target.susp_start, target.susp_end, o.susp_start, o.susp_end) for o in hits]
    src = [_overlap(target.src_start, target.src_end, o.src_start, o.src_end) for o in hits]
    return _union_length(r for r in susp if r) + _union_length(r for r in src if r)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int

    @property
    def plagdet(self) -> float:
        if self.precision + self.recall == 0:
            return 0.0
        f1 = 2 * self.precision * self.recall / (self.precision + self.recall)
        return f1 / math.log2(1 + self.granularity)


def score(pairs: list[Pair]) -> Scores:
    """Return PAN's measures over all cases and detections of these pairs together."""
    precisions, recalls, detected_by = [], [], []
    for pair in pairs:
        for r in pair.detections:
            precisions.append(_covered(r, pair.cases) / r.size if r.size else 0.0)
        for s in pair.cases:
            recalls.append(_covered(s, pair.detections) / s.size)
            hits = sum(1 for r in pair.detections if _detects(r, s))
            if hits:
                detected_by.append(hits)
    # PAN's convention (perfmeasures.py): 1 and 1 when there are neither, 0 and 0 when one side is empty.
    if not precisions or not recalls:
        precision = recall = float(not precisions and not recalls)
    else:
        precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    granularity = sum(detected_by) / len(detected_by) if detected_by else 1.0
    return Scores(precision, recall, granularity, len(recalls), len(precisions))


def pair_recall(pairs: list[Pair]) -> float:
    """Return the share of pairs with gold cases where some detection detects a case."""
    positive = [p for p in pairs if p.cases]
    linked = [p for p in positive if any(_detects(r, s) for r in p.detections for s in p.cases)]
    return len(linked) / len(positive) if positive else float("nan")


def false_link_rate(pairs: list[Pair]) -> tuple[int, int]:
    """Return (pairs with a detection, pairs) over the pairs without gold cases."""
    negative = [p for p in pairs if not p.cases]
    return sum(1 for p in negative if p.detections), len(negative)
