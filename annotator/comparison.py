"""The compare page's content: two articles side by side as one analyst sees them (their boilerplate
dismissals apply), with aligned paragraphs, shared text, word-level edits and shares.

Built from the same classifier as the stored links (`sentences.match_sentences`), run on the pair directly, so
the page is right even before the background detection has run. Pieces carry plain text; the template
escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef

from articles.models import Article, BoilerplateDismissal, BoilerplateSuggestion
from articles.sentences import Match, Sentence, age_key, match_sentences, split_paragraphs

# The kinds of the sentence classifier this page runs, strongest first (stored links are passages, with
# kinds of their own).
_KIND_NAMES = [("identical", "identical"), ("near_identical", "near-identical"), ("partial", "partial")]
# Later marks win: a changed word inside shared text shows as changed.
_PRIORITY = {None: 0, "boilerplate": 1, "same": 2, "changed": 3, "deleted": 3, "inserted": 3}


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
class Comparison:
    older: Article
    newer: Article
    rows: list[Row]
    matches: list[Match]
    newer_from_older: float
    older_in_newer: float
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def same_age(self) -> bool:
        return self.older.published_on == self.newer.published_on

    @property
    def older_percent(self) -> int:
        return round(self.older_in_newer * 100)

    @property
    def newer_percent(self) -> int:
        return round(self.newer_from_older * 100)

    @property
    def kind_counts(self) -> list[tuple[str, int]]:
        """Return (kind name, number of shared sentences) for the kinds present, strongest first."""
        return [(label, self.kinds[kind]) for kind, label in _KIND_NAMES if self.kinds.get(kind)]


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


def _within(sentence: Sentence, ranges: dict[int, list[_Range]]) -> bool:
    return any(
        r.start <= sentence.start and sentence.end <= r.end for r in ranges.get(sentence.paragraph, ())
    )


def _outside(sentences: list[Sentence], ranges: dict[int, list[_Range]]) -> list[Sentence]:
    return [s for s in sentences if not _within(s, ranges)]


def _mirror_boilerplate(matches: list[Match], ranges: dict[int, list[_Range]]) -> None:
    """Add to `ranges` every sentence shared with a sentence that is boilerplate on the other side.

    Suggestions and dismissals are per paragraph, so the viewer may have dismissed a line in one article
    and not in the other. Both sides must show the shared line alike, and the cautious reading wins: it is
    boilerplate on both while either side still calls it so, and shared text only once dismissed on both.
    """
    changed = True
    while changed:  # a newly marked sentence may share text with a third one
        changed = False
        for m in matches:
            in_a, in_b = _within(m.a, ranges), _within(m.b, ranges)
            if in_a != in_b:
                other = m.b if in_a else m.a
                ranges.setdefault(other.paragraph, []).append(_Range(other.start, other.end, _MIRRORED))
                changed = True


def _mark_matches(matches: list[Match], older: dict[int, _Marks], newer: dict[int, _Marks]) -> None:
    for i, m in enumerate(matches):
        a, b = older[m.a.paragraph], newer[m.b.paragraph]
        a.mark(m.a_start, m.a_end, "same", link=i)
        b.mark(m.b_start, m.b_end, "same", link=i)
        for e in m.edits:
            old, new = a.text[e.a_start : e.a_end], b.text[e.b_start : e.b_end]
            if e.op == "replace":
                a.mark(e.a_start, e.a_end, "changed", f"now: {new}", i)
                b.mark(e.b_start, e.b_end, "changed", f"was: {old}", i)
            elif e.op == "delete":
                a.mark(e.a_start, e.a_end, "deleted", "not in the newer text", i)
            elif e.op == "insert":
                b.mark(e.b_start, e.b_end, "inserted", "not in the older text", i)


def _share(sentences: list[Sentence], matches: list[Match], side: str) -> float:
    """Return the share of the sentences' words that the matches show unchanged on the other side."""
    total = sum(len(s.tokens) for s in sentences)
    equal = set()
    for m in matches:
        sentence = m.a if side == "a" else m.b
        for e in m.edits:
            if e.op == "equal":
                lo, hi = (e.a_start, e.a_end) if side == "a" else (e.b_start, e.b_end)
                equal.update((sentence.paragraph, t.start) for t in sentence.tokens if lo <= t.start < hi)
    return len(equal) / total if total else 0.0


def _overlap(x: list[int], y: list[int]) -> bool:
    return (x[0] <= y[1] and y[0] <= x[1]) or (x[2] <= y[3] and y[2] <= x[3])


def _blocks(matches: list[Match], older: dict[int, int], newer: dict[int, int]) -> list[list[int]]:
    """Return [older lo, older hi, newer lo, newer hi] index blocks of linked paragraphs, merged until no two
    overlap on either side, in reading order of the older article."""
    merged: list[list[int]] = []
    for m in matches:
        block = [older[m.a.paragraph], older[m.a.paragraph], newer[m.b.paragraph], newer[m.b.paragraph]]
        while other := next((o for o in merged if _overlap(block, o)), None):
            merged.remove(other)
            block = [
                min(block[0], other[0]),
                max(block[1], other[1]),
                min(block[2], other[2]),
                max(block[3], other[3]),
            ]
        merged.append(block)
    return sorted(merged)


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


def build(first: Article, second: Article, viewer: AbstractBaseUser | None = None) -> Comparison:
    """Return the comparison of two articles, the older one first, as `viewer` sees it: boilerplate they
    dismissed is not set apart, unless the same text is still boilerplate to them in the other article."""
    older, newer = sorted([first, second], key=age_key)
    paragraphs = {"older": _paragraphs(older), "newer": _paragraphs(newer)}
    boilerplate = _boilerplate([pid for side in paragraphs.values() for pid, _, _ in side], viewer)
    sentences = {
        side: split_paragraphs((pid, text) for pid, _, text in rows) for side, rows in paragraphs.items()
    }
    every = match_sentences(sentences["older"], sentences["newer"])
    _mirror_boilerplate(every, boilerplate)
    body = {side: _outside(found, boilerplate) for side, found in sentences.items()}
    # Boilerplate shared by both still aligns the paragraphs, but is neither marked as reuse nor counted.
    ids = {side: {id(s) for s in found} for side, found in body.items()}
    matches = [m for m in every if id(m.a) in ids["older"] and id(m.b) in ids["newer"]]
    marks = {side: {pid: _Marks(text) for pid, _, text in rows} for side, rows in paragraphs.items()}
    for side in marks.values():
        for pid, mark in side.items():
            for start, end, note in boilerplate.get(pid, ()):
                mark.mark(start, end, "boilerplate", note)
    _mark_matches(matches, marks["older"], marks["newer"])
    views = {
        side: [ParagraphView(pid, position, marks[side][pid].pieces()) for pid, position, _ in rows]
        for side, rows in paragraphs.items()
    }
    index = {side: {view.id: i for i, view in enumerate(views[side])} for side in views}
    rows = _rows(views["older"], views["newer"], _blocks(every, index["older"], index["newer"]))
    kinds: dict[str, int] = {}
    for m in matches:
        kinds[m.kind] = kinds.get(m.kind, 0) + 1
    return Comparison(
        older=older,
        newer=newer,
        rows=rows,
        matches=matches,
        newer_from_older=_share(body["newer"], matches, "b"),
        older_in_newer=_share(body["older"], matches, "a"),
        kinds=kinds,
    )
