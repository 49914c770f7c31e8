"""Span-by-span comparison of what a peer tool stored with what our database holds. Pure: no I/O.

Our spans are code-point offsets into the article text. A tool stores integers whose meaning is the unit
its labelling page counts in (UTF-16 code units, code points or grapheme clusters): the stored offsets
are turned into code points in that unit before they are compared, and the text the page highlights is
the stored text cut at those offsets. A span holds when the tool stored our article text, the same label
and offsets that land on exactly our code points (so it shows exactly our quote), and, when the tool
keeps a quote of its own, our quote there too.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

UNITS = ("code points", "utf16", "graphemes")


class GraphemesUnknown(ValueError):
    """The text has a character that may join its neighbour in one grapheme cluster."""


def _may_join(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")  # combining marks
        or code in (0x200C, 0x200D)  # zero-width (non-)joiner
        or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0x1F1E6 <= code <= 0x1F1FF  # regional indicators (flags)
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or 0x1160 <= code <= 0x11FF  # Hangul medial vowels and final consonants
        or char == "\r"
    )  # fmt: skip


def code_point_index(text: str, offset: int, unit: str) -> int | None:
    """Return the code-point index that `offset` in `unit` names in `text`, or None when it names none
    (past the end, or inside a character's UTF-16 surrogate pair)."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; one of {', '.join(UNITS)}")
    if offset < 0:
        return None
    if unit == "utf16":
        units = 0
        for index, char in enumerate(text):
            if units == offset:
                return index
            if units > offset:
                return None
            units += 2 if ord(char) > 0xFFFF else 1
        return len(text) if units == offset else None
    if unit == "graphemes":
        # Without a Unicode segmentation library, grapheme clusters are counted only in texts where every
        # cluster is one code point; any other text is refused rather than counted wrongly.
        joining = sorted({char for char in text if _may_join(char)})
        if joining:
            names = ", ".join(f"U+{ord(char):04X}" for char in joining)
            raise GraphemesUnknown(f"the text has characters that may join a grapheme cluster ({names})")
    return offset if offset <= len(text) else None


def in_unit(text: str, index: int, unit: str) -> int:
    """Return code-point index `index` of `text` counted in `unit` (the inverse of code_point_index)."""
    if unit == "utf16":
        return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)
    code_point_index(text, index, unit)  # refuses texts whose grapheme clusters are not single code points
    return index


@dataclass
class SpanCheck:
    """One of our spans beside what the tool stored for it (None: nothing that matches it)."""

    ours: dict
    stored: dict | None
    problems: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.stored is not None and not self.problems


@dataclass
class Comparison:
    unit: str
    checks: list[SpanCheck]
    extra: list[dict]  # stored spans that match none of ours
    missing_texts: int  # our articles with spans whose text the tool did not store

    @property
    def identical(self) -> int:
        return sum(check.identical for check in self.checks)

    @property
    def stored_count(self) -> int:
        return sum(check.stored is not None for check in self.checks) + len(self.extra)

    @property
    def holds(self) -> bool:
        return self.identical == len(self.checks) and not self.extra and not self.missing_texts


def _shows(span: dict, unit: str) -> tuple[int | None, int | None, str | None]:
    """Return the code-point offsets and the text the tool's page highlights for a stored span."""
    text = span["text"]
    start, end = code_point_index(text, span["start"], unit), code_point_index(text, span["end"], unit)
    if start is None or end is None or start >= end:
        return start, end, None
    return start, end, text[start:end]


def compare(ours: list[dict], stored: list[dict], unit: str) -> Comparison:
    """Compare our spans (`text`, `start`, `end` in code points, `quote`, `label`) with the tool's
    (`text`, `start`, `end` in `unit`, `label`, optional `quote`).

    Each of our spans is paired with a stored span of the same text and label: one at exactly its offsets
    when there is one, else the nearest one left (a shifted span), else none (a lost span).
    """
    pool: dict[tuple[str, str], list[dict]] = {}
    for span in stored:
        start, end, shown = _shows(span, unit)
        pool.setdefault((span["text"], span["label"]), []).append(
            {**span, "cp_start": start, "cp_end": end, "shows": shown}
        )
    stored_texts = {span["text"] for span in stored}
    checks = []
    # Exact pairs first, so that a shifted span never takes the place of an exact one.
    pending = []
    for span in ours:
        candidates = pool.get((span["text"], span["label"]), [])
        exact = next(
            (c for c in candidates if (c["cp_start"], c["cp_end"]) == (span["start"], span["end"])), None
        )
        if exact is not None:
            candidates.remove(exact)
            checks.append(SpanCheck(span, exact))
        else:
            pending.append(span)
    for span in pending:
        candidates = pool.get((span["text"], span["label"]), [])
        if not candidates:
            checks.append(SpanCheck(span, None, ["not stored"]))
            continue
        nearest = min(
            candidates,
            key=lambda c: (
                abs(in_unit(span["text"], span["start"], unit) - c["start"])
                + abs(in_unit(span["text"], span["end"], unit) - c["end"])
            ),
        )
        candidates.remove(nearest)
        checks.append(SpanCheck(span, nearest))
    for check in checks:
        if check.stored is None:
            continue
        found, span = check.stored, check.ours
        if (found["cp_start"], found["cp_end"]) != (span["start"], span["end"]):
            check.problems.append(
                f"stored at {found['start']}–{found['end']} ({unit}), which shows {found['shows']!r}"
            )
        elif found["shows"] != span["quote"]:
            check.problems.append(f"shows {found['shows']!r}, not the quote")
        if found.get("quote") is not None and found["quote"] != span["quote"]:
            check.problems.append(f"stored the quote {found['quote']!r}")
    order = {id(span): index for index, span in enumerate(ours)}
    checks.sort(key=lambda check: order[id(check.ours)])
    extra = [span for candidates in pool.values() for span in candidates]
    missing_texts = len({span["text"] for span in ours} - stored_texts)
    return Comparison(unit, checks, extra, missing_texts)


def kept_without_overlap(ours: list[dict]) -> list[dict]:
    """Return the spans a target that refuses overlapping spans can keep, by doccano's rule: in each text,
    spans in (start, end) order, each kept when it starts at or after the end of the last one kept."""
    kept = []
    by_text: dict[str, list[dict]] = {}
    for span in ours:
        by_text.setdefault(span["text"], []).append(span)
    for spans in by_text.values():
        last_end = -1
        for span in sorted(spans, key=lambda s: (s["start"], s["end"], s["label"])):
            if span["start"] >= last_end:
                kept.append(span)
                last_end = span["end"]
    return kept


def label_counts(spans: list[dict]) -> Counter:
    return Counter(span["label"] for span in spans)


def doccano_lines_differ(ours: list[dict], theirs: list[dict]) -> list[str]:
    """Compare doccano JSONL lines (`text`, `label` as [start, end, label]) text by text, labels as sets;
    return each difference, or nothing when doccano's own export says what ours says."""
    theirs_by_text = {line["text"]: sorted(map(tuple, line.get("label", []))) for line in theirs}
    problems = []
    for line in ours:
        mine = sorted(map(tuple, line["label"]))
        found = theirs_by_text.pop(line["text"], None)
        if found is None:
            problems.append(f"no line for the text {line['text'][:40]!r}")
        elif found != mine:
            lacking = [span for span in mine if span not in found]
            added = [span for span in found if span not in mine]
            problems.append(
                f"text {line['text'][:24]!r}: {len(found)} spans, lacking {lacking or 'none'}, "
                f"adding {added or 'none'}"
            )
    problems += [f"a line we did not export: {text[:40]!r}" for text in theirs_by_text]
    return problems
