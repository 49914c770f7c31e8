"""From spans to the units the measures compare: word tokens and character units.

Pure: no Django. A paragraph's text and the spans on it in, arrays out.

- Tokens are words and single punctuation marks (`\\w+|[^\\w\\s]`), as code-point ranges. A token carries a
  label when a span of that label overlaps it (the workbench snaps spans to whole words, so in practice a span
  covers whole tokens).
- One analyst may put several labels on one token (nested or overlapping spans). Per label, the coding is
  binary (the token carries the label or not), so two labels of one analyst never collide. For the all-labels
  figure a token's category is the set of labels the analyst put on it (for example "attributed claim +
  speculation"), as one nominal category.
- For the unitizing measure, one analyst's spans of one label that overlap are merged into their union:
  alpha_U requires that one coder's units of one category do not overlap. Spans that only touch stay separate
  units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class SpanRecord:
    """One analyst's labelled span on one paragraph, in code points [start, end)."""

    analyst: str
    label: str
    paragraph: int
    start: int
    end: int
    attributed_to: str = ""


def token_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the tokens' starts and ends (end exclusive) as two arrays."""
    bounds = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    if not bounds:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    array = np.asarray(bounds, dtype=np.int64)
    return array[:, 0], array[:, 1]


def label_masks(
    starts: np.ndarray, ends: np.ndarray, spans: Iterable[SpanRecord], label_bits: dict[str, int]
) -> np.ndarray:
    """Return per token the bit mask of the labels the spans put on it (bit i for label_bits' label i)."""
    mask = np.zeros(len(starts), dtype=np.int64)
    chosen = [(span.start, span.end, label_bits[span.label]) for span in spans if span.label in label_bits]
    if not chosen or not len(starts):
        return mask
    bounds = np.array(chosen, dtype=np.int64)
    # Tokens overlapping [start, end): their end is after the span's start and their start before its end.
    firsts = np.searchsorted(ends, bounds[:, 0], side="right")
    lasts = np.searchsorted(starts, bounds[:, 1], side="left")
    for first, last, bit in zip(firsts.tolist(), lasts.tolist(), bounds[:, 2].tolist(), strict=True):
        if first < last:
            mask[first:last] |= 1 << bit
    return mask


def merged_units(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping [start, end) ranges of one analyst and one label into their union; touching ranges
    stay apart (they are two units that meet)."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def segments(units: list[tuple[int, int]], length: int) -> list[tuple[int, int, bool]]:
    """Cut a continuum of `length` into the analyst's units and the gaps between them:
    (start, end, is_unit)."""
    out: list[tuple[int, int, bool]] = []
    position = 0
    for start, end in units:
        if start > position:
            out.append((position, start, False))
        out.append((start, end, True))
        position = end
    if position < length:
        out.append((position, length, False))
    return out
