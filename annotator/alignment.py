"""Two articles aligned passage by passage, for the pages that show or follow reused text (compare, transfer).

The aligner (`articles.passages`) reads each article as one text, its paragraphs joined by a blank line, and
returns ranges in that text: a passage may start mid-sentence and run across paragraphs. `Side` turns those
article-level offsets back into paragraphs and offsets into `Paragraph.text`; `carry` follows one offset
through a passage's word-level diff onto the other article.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

from articles.passages import (
    PARAGRAPH_SEPARATOR,
    Document,
    Edit,
    Kind,
    Passage,
    align,
    article_text,
    word_edits,
)


@dataclass
class Side:
    """One article's paragraphs (id, position, text) in reading order, with the text the aligner reads."""

    paragraphs: list[tuple[int, int, str]]

    @cached_property
    def text(self) -> str:
        return article_text([text for _, _, text in self.paragraphs])

    @cached_property
    def document(self) -> Document:
        return Document(self.text)

    @cached_property
    def starts(self) -> list[int]:
        """Article-level offset where each paragraph's text starts."""
        found, at = [], 0
        for _, _, text in self.paragraphs:
            found.append(at)
            at += len(text) + len(PARAGRAPH_SEPARATOR)
        return found

    def pieces(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """Return (paragraph index, start, end) for each paragraph an article-level range covers, offsets
        into the paragraph's text; separators between paragraphs belong to none."""
        found = []
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        for i in range(first, len(self.paragraphs)):
            base, length = self.starts[i], len(self.paragraphs[i][2])
            if base >= end:
                break
            lo, hi = max(start, base) - base, min(end, base + length) - base
            if lo < hi:
                found.append((i, lo, hi))
        return found

    def locate(self, offset: int, *, is_end: bool) -> tuple[int, int] | None:
        """Return (paragraph index, offset in its text) of an article-level offset, None in a separator."""
        i = bisect.bisect_right(self.starts, offset - 1 if is_end else offset) - 1
        inside = offset - self.starts[i]
        return (i, inside) if 0 <= inside <= len(self.paragraphs[i][2]) else None


@dataclass
class Aligned:
    """A passage seen from the article spans are read in (`source`) towards the other (`target`)."""

    passage: Passage
    source_start: int
    source_end: int
    target_start: int
    target_end: int
    # (op, source start, source end, target start, target end), ops as seen from the source.
    edits: list[Edit]

    @property
    def kind(self) -> Kind:
        return self.passage.kind

    def holds(self, start: int, end: int) -> bool:
        return self.source_start <= start and end <= self.source_end


_FLIPPED = {"insert": "delete", "delete": "insert"}


def passages(source: Side, target: Side, *, source_is_earlier: bool) -> list[Aligned]:
    """Return the passages the two articles share, the earlier one read as the aligner's first text."""
    earlier, later = (source, target) if source_is_earlier else (target, source)
    found = [
        Aligned(p, p.a_start, p.a_end, p.b_start, p.b_end, word_edits(earlier.document, later.document, p))
        for p in align(earlier.document, later.document)
    ]
    return found if source_is_earlier else [flipped(p) for p in found]


def flipped(p: Aligned) -> Aligned:
    """Return the passage seen from the other article."""
    edits = [Edit(_FLIPPED.get(e.op, e.op), e.b_start, e.b_end, e.a_start, e.a_end) for e in p.edits]
    return Aligned(p.passage, p.target_start, p.target_end, p.source_start, p.source_end, edits)


def carry(passage: Aligned, source: Document, target: Document, offset: int, *, is_end: bool) -> int | None:
    """Return where an offset of the source lands in the target, word by word through the passage's edits.

    Inside a word both texts have alike, the offset keeps its place in the word; on a replaced word it moves
    to the edge of the replacement; on a deleted word, to the nearest word that survived.
    """
    if is_end:
        index = bisect.bisect_left(source.starts, offset) - 1
    else:
        index = bisect.bisect_right(source.ends, offset)
    if not 0 <= index < len(source):
        return None
    for op, s_start, s_end, t_start, t_end in passage.edits:
        s_lo, s_hi = source.words_in(s_start, s_end)
        if not s_lo <= index < s_hi:
            continue
        t_lo, t_hi = target.words_in(t_start, t_end)
        if op == "equal":
            return _within_word(source, target, index, t_lo + index - s_lo, offset, is_end=is_end)
        if op == "replace":
            return target.ends[t_hi - 1] if is_end else target.starts[t_lo]
        # A deleted word: the edge moves to the nearest word that survived, within the passage.
        if is_end:
            return (
                target.ends[t_lo - 1] if t_lo > 0 and target.ends[t_lo - 1] > passage.target_start else None
            )
        return (
            target.starts[t_lo] if t_lo < len(target) and target.starts[t_lo] < passage.target_end else None
        )
    return None


def _within_word(
    source: Document, target: Document, index: int, other: int, offset: int, *, is_end: bool
) -> int:
    """Return the offset moved from word `index` of the source onto the same word `other` of the target,
    keeping its place in the word and the punctuation beside it where both texts have them alike."""
    anchor, target_anchor = (
        (source.ends[index], target.ends[other]) if is_end else (source.starts[index], target.starts[other])
    )
    lo, hi = sorted((anchor, offset))
    t_lo, t_hi = target_anchor + lo - anchor, target_anchor + hi - anchor
    alike = t_lo >= 0 and t_hi <= len(target.text) and source.text[lo:hi] == target.text[t_lo:t_hi]
    return target_anchor + offset - anchor if alike else target_anchor


def equal_words(passage: Aligned, source: Document, target: Document) -> list[tuple[int, int]]:
    """Return (source word, target word) index pairs of the words the passage keeps unchanged."""
    pairs = []
    for op, s_start, s_end, t_start, t_end in passage.edits:
        if op == "equal":
            s_lo, s_hi = source.words_in(s_start, s_end)
            t_lo, _ = target.words_in(t_start, t_end)
            pairs += [(i, t_lo + i - s_lo) for i in range(s_lo, s_hi)]
    return pairs
