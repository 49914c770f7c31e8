"""The compare page's content: two articles side by side as one analyst sees them (their boilerplate
dismissals apply), with aligned paragraphs, the reused passages marked by kind, word-level edits and shares.

Built with the same aligner as the stored links (`articles.passages`), run on the pair directly, so the page
is right even before the background detection has run: one passage per reused stretch of text, which may
start mid-sentence and run across paragraphs. Boilerplate the viewer still sees as such is blanked before
aligning, as detection blanks it, so it is never marked or counted as reuse; the paragraphs are aligned on
the full text, so shared boilerplate still lines up. Pieces carry plain text; the template escapes it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef

from annotator import alignment
from annotator.alignment import Aligned, Side
from articles.models import Article, BoilerplateDismissal, BoilerplateSuggestion
from articles.passages import Document, Kind
from articles.sentences import age_key

KIND_NAMES = {Kind.VERBATIM: "verbatim", Kind.EDITED: "edited", Kind.REWRITTEN: "rewritten or summarised"}
# Later marks win: a changed word inside shared text shows as changed.
_PRIORITY = {None: 0, "boilerplate": 1, "same": 2, "rewritten": 2, "changed": 3, "deleted": 3, "inserted": 3}


@dataclass
class Piece:
    text: str
    kind: str | None = None
    note: str = ""
    link: int | None = None


@dataclass
class ParagraphView:
    id: int
    position: int
    pieces: list[Piece]
    moved: bool = False


@dataclass
class Row:
    older: list[ParagraphView]
    newer: list[ParagraphView]
    aligned: bool


@dataclass
class PassageView:
    """One reused passage as the summary lists it: its kind, similarity and where it lies on each side."""

    number: int
    kind: Kind
    similarity: float
    older_paragraphs: tuple[int, int]
    newer_paragraphs: tuple[int, int]
    older_chars: int
    newer_chars: int

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)

    @property
    def title(self) -> str:
        return f"Passage {self.number}: {self.kind_name}, {self.percent}% alike"


@dataclass
class Comparison:
    older: Article
    newer: Article
    rows: list[Row]
    passages: list[PassageView]
    newer_from_older: float
    older_in_newer: float

    @property
    def dated(self) -> bool:
        """Whether publication dates tell which is older."""
        a, b = self.older.published_on, self.newer.published_on
        return a is not None and b is not None and a != b

    @property
    def by_import(self) -> bool:
        """Whether the import order tells which comes first: both undated, or published the same day."""
        return self.older.published_on == self.newer.published_on

    @property
    def labels(self) -> tuple[str, str]:
        """Return what to call the two sides, saying no more than the dates and the import order tell."""
        if self.dated:
            return "Older", "Newer"
        if self.by_import:
            return "Earlier import", "Later import"
        return tuple("Undated" if a.published_on is None else "Dated" for a in (self.older, self.newer))

    @property
    def order_note(self) -> str:
        if self.dated:
            return ""
        if self.by_import:
            when = "Both were published the same day" if self.older.published_on else "Neither has a date"
            return f"{when}, so the import order sets them side by side, not which was written first."
        return "Only one has a publication date, so which was written first is not known."

    @property
    def older_percent(self) -> int:
        return round(self.older_in_newer * 100)

    @property
    def newer_percent(self) -> int:
        return round(self.newer_from_older * 100)

    @property
    def kind_counts(self) -> list[tuple[str, int]]:
        """Return (kind name, number of passages) for the kinds present, closest copies first."""
        counts = [(name, sum(p.kind == kind for p in self.passages)) for kind, name in KIND_NAMES.items()]
        return [(name, n) for name, n in counts if n]


class _Marks:
    """Per-character marks of one paragraph, turned into pieces at the end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks: list[tuple[str | None, str, int | None]] = [(None, "", None)] * len(text)

    def mark(self, start: int, end: int, kind: str, note: str = "", link: int | None = None) -> None:
        for i in range(start, min(end, len(self.text))):
            if _PRIORITY[kind] >= _PRIORITY[self.marks[i][0]]:
                self.marks[i] = (kind, note, link)

    def pieces(self) -> list[Piece]:
        pieces: list[Piece] = []
        for ch, mark in zip(self.text, self.marks, strict=True):
            if pieces and (pieces[-1].kind, pieces[-1].note, pieces[-1].link) == mark:
                pieces[-1].text += ch
            else:
                pieces.append(Piece(ch, *mark))
        return pieces


def _paragraphs(article: Article) -> list[tuple[int, int, str]]:
    return list(article.paragraphs.order_by("position").values_list("id", "position", "text"))


class _Range(NamedTuple):
    start: int
    end: int
    note: str


_SUGGESTED = "boilerplate of this publisher"
_MIRRORED = "boilerplate in the other article"


def _boilerplate(paragraph_ids: list[int], viewer: AbstractBaseUser | None) -> dict[int, list[_Range]]:
    """Return the suggested boilerplate ranges per paragraph, less those the viewer dismissed as not
    boilerplate: to that analyst they are text like any other, shown and counted as such."""
    suggestions = BoilerplateSuggestion.objects.filter(paragraph_id__in=paragraph_ids)
    if viewer is not None and viewer.is_authenticated:
        dismissed = BoilerplateDismissal.objects.filter(
            user=viewer, paragraph=OuterRef("paragraph"), start=OuterRef("start"), end=OuterRef("end")
        )
        suggestions = suggestions.exclude(Exists(dismissed))
    ranges: dict[int, list[_Range]] = {}
    for pid, start, end in suggestions.values_list("paragraph_id", "start", "end"):
        ranges.setdefault(pid, []).append(_Range(start, end, _SUGGESTED))
    return ranges


def _blank(text: str, ranges: list[_Range]) -> str:
    """Return the text with the ranges turned to spaces: no words there, every offset kept."""
    chars = list(text)
    for start, end, _ in ranges:
        chars[start:end] = " " * len(chars[start:end])
    return "".join(chars)


def _article_ranges(side: Side, ranges: dict[int, list[_Range]]) -> list[tuple[int, int]]:
    return [
        (side.starts[i] + r.start, side.starts[i] + r.end)
        for i, (pid, _, _) in enumerate(side.paragraphs)
        for r in ranges.get(pid, ())
    ]


def _mirror_boilerplate(
    sides: tuple[Side, Side], every: list[Aligned], ranges: dict[int, list[_Range]]
) -> None:
    """Add to `ranges` the text aligned with boilerplate on the other side.

    Suggestions and dismissals are per paragraph, so the viewer may have dismissed a line in one article
    and not in the other. Both sides must show the shared line alike, and the cautious reading wins: it is
    boilerplate on both while either side still calls it so, and shared text only once dismissed on both.
    """
    for (source, target), shared in ((sides, every), (sides[::-1], [alignment.flipped(p) for p in every])):
        for start, end in _article_ranges(source, ranges):
            for p in shared:
                lo, hi = max(start, p.source_start), min(end, p.source_end)
                if lo >= hi:
                    continue
                t_lo = alignment.carry(p, source.document, target.document, lo, is_end=False)
                t_hi = alignment.carry(p, source.document, target.document, hi, is_end=True)
                if t_lo is None or t_hi is None or t_lo >= t_hi:
                    continue
                for i, s, e in target.pieces(t_lo, t_hi):
                    found = ranges.setdefault(target.paragraphs[i][0], [])
                    if not any(r.start <= s and e <= r.end for r in found):
                        found.append(_Range(s, e, _MIRRORED))


def _mark(
    side: Side, marks: dict[int, _Marks], start: int, end: int, kind: str, note: str, link: int
) -> None:
    for i, s, e in side.pieces(start, end):
        marks[side.paragraphs[i][0]].mark(s, e, kind, note, link)


def _mark_passages(
    passages: list[Aligned], titles: list[str], sides: tuple[Side, Side], marks: tuple[dict, dict]
) -> None:
    older, newer = sides
    for n, (p, title) in enumerate(zip(passages, titles, strict=True)):
        kind = "rewritten" if p.kind == Kind.REWRITTEN else "same"
        _mark(older, marks[0], p.source_start, p.source_end, kind, title, n)
        _mark(newer, marks[1], p.target_start, p.target_end, kind, title, n)
        if p.kind != Kind.EDITED:
            continue
        for op, a_start, a_end, b_start, b_end in p.edits:
            old, new = older.text[a_start:a_end], newer.text[b_start:b_end]
            if op == "replace":
                _mark(older, marks[0], a_start, a_end, "changed", f"now: {new}", n)
                _mark(newer, marks[1], b_start, b_end, "changed", f"was: {old}", n)
            elif op == "delete":
                _mark(older, marks[0], a_start, a_end, "deleted", "not in the newer text", n)
            elif op == "insert":
                _mark(newer, marks[1], b_start, b_end, "inserted", "not in the older text", n)


def _share(doc: Document, passages: list[Aligned], other: Document, *, older: bool) -> float:
    """Return the share of the text's words (boilerplate blanked) that the passages keep unchanged."""
    equal = set()
    for p in passages:
        pairs = alignment.equal_words(p, doc, other) if older else alignment.equal_words(p, other, doc)
        equal.update(i if older else j for i, j in pairs)
    return len(equal) / len(doc) if len(doc) else 0.0


def _word_paragraphs(side: Side) -> list[int]:
    """Return the paragraph index of each word of the side's text."""
    return [bisect.bisect_right(side.starts, at) - 1 for at in side.document.starts]


def _overlap(x: list[int], y: list[int]) -> bool:
    return (x[0] <= y[1] and y[0] <= x[1]) or (x[2] <= y[3] and y[2] <= x[3])


def _blocks(pairs: set[tuple[int, int]]) -> list[list[int]]:
    """Return [older lo, older hi, newer lo, newer hi] index blocks of paragraphs sharing words, merged until
    no two overlap on either side, in reading order of the older article."""
    merged: list[list[int]] = []
    for o, n in sorted(pairs):
        block = [o, o, n, n]
        while other := next((m for m in merged if _overlap(block, m)), None):
            merged.remove(other)
            block = [
                min(block[0], other[0]),
                max(block[1], other[1]),
                min(block[2], other[2]),
                max(block[3], other[3]),
            ]
        merged.append(block)
    return sorted(merged)


def _paragraph_pairs(passages: list[Aligned], older: Side, newer: Side) -> set[tuple[int, int]]:
    """Return (older paragraph, newer paragraph) index pairs holding the same words in one passage."""
    o_paragraph, n_paragraph = _word_paragraphs(older), _word_paragraphs(newer)
    return {
        (o_paragraph[i], n_paragraph[j])
        for p in passages
        for i, j in alignment.equal_words(p, older.document, newer.document)
    }


def _in_order(blocks: list[list[int]]) -> list[list[int]]:
    """Return the longest run of blocks whose newer side also goes forward; the rest were moved."""
    best: list[list[list[int]]] = []
    for block in blocks:
        before = [chain for chain in best if chain[-1][2] < block[2]]
        best.append([*max(before, key=len, default=[]), block])
    return max(best, key=len, default=[])


def _rows(older: list[ParagraphView], newer: list[ParagraphView], blocks: list[list[int]]) -> list[Row]:
    aligned = _in_order(blocks)
    for lo_o, hi_o, lo_n, hi_n in (b for b in blocks if b not in aligned):
        for view in [*older[lo_o : hi_o + 1], *newer[lo_n : hi_n + 1]]:
            view.moved = True
    rows, i, j = [], 0, 0
    for lo_o, hi_o, lo_n, hi_n in aligned:
        if older[i:lo_o] or newer[j:lo_n]:
            rows.append(Row(older[i:lo_o], newer[j:lo_n], aligned=False))
        rows.append(Row(older[lo_o : hi_o + 1], newer[lo_n : hi_n + 1], aligned=True))
        i, j = hi_o + 1, hi_n + 1
    if older[i:] or newer[j:]:
        rows.append(Row(older[i:], newer[j:], aligned=False))
    return rows


def _passage_view(n: int, p: Aligned, older: Side, newer: Side) -> PassageView:
    def positions(side: Side, start: int, end: int) -> tuple[int, int]:
        pieces = side.pieces(start, end)
        return side.paragraphs[pieces[0][0]][1] + 1, side.paragraphs[pieces[-1][0]][1] + 1

    return PassageView(
        n + 1,
        p.kind,
        p.passage.similarity,
        positions(older, p.source_start, p.source_end),
        positions(newer, p.target_start, p.target_end),
        p.source_end - p.source_start,
        p.target_end - p.target_start,
    )


def build(first: Article, second: Article, viewer: AbstractBaseUser | None = None) -> Comparison:
    """Return the comparison of two articles, the older one first, as `viewer` sees it: boilerplate they
    dismissed is not set apart, unless the same text is still boilerplate to them in the other article."""
    older, newer = sorted([first, second], key=age_key)
    sides = (Side(_paragraphs(older)), Side(_paragraphs(newer)))
    boilerplate = _boilerplate([pid for side in sides for pid, _, _ in side.paragraphs], viewer)
    every = alignment.passages(sides[0], sides[1], source_is_earlier=True)
    _mirror_boilerplate(sides, every, boilerplate)
    blanked = tuple(
        Side(
            [
                (pid, position, _blank(text, boilerplate.get(pid, [])))
                for pid, position, text in side.paragraphs
            ]
        )
        for side in sides
    )
    reused = alignment.passages(blanked[0], blanked[1], source_is_earlier=True)
    marks = tuple({pid: _Marks(text) for pid, _, text in side.paragraphs} for side in sides)
    for side_marks in marks:
        for pid, mark in side_marks.items():
            for start, end, note in boilerplate.get(pid, ()):
                mark.mark(start, end, "boilerplate", note)
    passages = [_passage_view(n, p, *sides) for n, p in enumerate(reused)]
    _mark_passages(reused, [p.title for p in passages], sides, marks)
    views = [
        [ParagraphView(pid, position, side_marks[pid].pieces()) for pid, position, _ in side.paragraphs]
        for side, side_marks in zip(sides, marks, strict=True)
    ]
    rows = _rows(views[0], views[1], _blocks(_paragraph_pairs(every, *sides)))
    o_doc, n_doc = blanked[0].document, blanked[1].document
    return Comparison(
        older=older,
        newer=newer,
        rows=rows,
        passages=passages,
        newer_from_older=_share(n_doc, reused, o_doc, older=False),
        older_in_newer=_share(o_doc, reused, n_doc, older=True),
    )
