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
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from annotator import alignment
from annotator.alignment import Aligned, Side
from annotator.models import Annotation, Label
from annotator.span_rows import span_rows
from annotator.suggestions import not_dismissed_by
from articles.models import Article, BoilerplateSuggestion
from articles.passages import Document, Kind

KIND_NAMES = {Kind.VERBATIM: "verbatim", Kind.EDITED: "edited", Kind.REWRITTEN: "rewritten or summarised"}
# Later marks win: a changed word inside shared text shows as changed.
_PRIORITY = {None: 0, "boilerplate": 1, "same": 2, "rewritten": 2, "changed": 3, "deleted": 3, "inserted": 3}


@dataclass(frozen=True)
class SpanMark:
    """One of the viewer's spans over a piece of text: enough to draw it in its label's colour and name it."""

    id: int
    label_id: int
    label_name: str
    quote: str
    note: str
    attributed_to: str

    @property
    def title(self) -> str:
        said = f" (attributed to {self.attributed_to})" if self.attributed_to else ""
        noted = f"; note: {self.note}" if self.note else ""
        return f"{self.label_name}{said}: “{self.quote}”{noted}"


@dataclass
class Piece:
    text: str
    kind: str | None = None
    note: str = ""
    link: int | None = None
    spans: tuple[SpanMark, ...] = ()

    @property
    def span_title(self) -> str:
        return "Your spans: " + " · ".join(span.title for span in self.spans)

    @property
    def inner_html(self) -> SafeString:
        """Return the piece's text (escaped) inside one element per span over it, outermost first; the
        innermost carries the title naming the reuse mark (if any) and the spans."""
        if not self.spans:
            return conditional_escape(self.text)
        title = f"{self.note} · {self.span_title}" if self.note else self.span_title
        opening = [
            format_html('<span class="cspan l{} d{}" data-annotation-id="{}">', s.label_id, depth, s.id)
            for depth, s in enumerate(self.spans[:-1], start=1)
        ]
        last = self.spans[-1]
        opening.append(
            format_html(
                '<span class="cspan l{} d{}" data-annotation-id="{}" title="{}">',
                last.label_id,
                len(self.spans),
                last.id,
                title,
            )
        )
        # Every part is escaped above (format_html, conditional_escape); only the closing tags are literal.
        return mark_safe("".join(opening) + conditional_escape(self.text) + "</span>" * len(self.spans))


@dataclass
class ParagraphView:
    id: int
    position: int
    pieces: list[Piece]
    moved: bool = False


def _cut_by_spans(pieces: list[Piece], spans: list[tuple[int, int, SpanMark]]) -> list[Piece]:
    """Cut the reuse pieces where the viewer's spans start and end; each piece lists the spans over it,
    outermost first (earliest start, then longest), so a span keeps one depth wherever it runs."""
    if not spans:
        return pieces
    spans = sorted(spans, key=lambda s: (s[0], -s[1], s[2].id))
    cuts = sorted({at for start, end, _ in spans for at in (start, end)})
    result: list[Piece] = []
    offset = 0
    for piece in pieces:
        end_of_piece = offset + len(piece.text)
        bounds = [offset, *(c for c in cuts if offset < c < end_of_piece), end_of_piece]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            over = tuple(mark for start, end, mark in spans if start <= lo and hi <= end)
            text = piece.text[lo - offset : hi - offset]
            result.append(Piece(text, piece.kind, piece.note, piece.link, over))
        offset = end_of_piece
    return result


def _viewer_spans(
    articles: list[Article], viewer, labels: dict[int, Label]
) -> dict[int, list[tuple[int, int, SpanMark]]]:
    """Return the viewer's live spans on the two articles (their own layer), per paragraph."""
    if viewer is None or not viewer.is_authenticated:
        return {}
    found: dict[int, list[tuple[int, int, SpanMark]]] = {}
    for row in span_rows(Annotation.objects.filter(article__in=articles).for_layer(viewer), labels):
        mark = SpanMark(row.pk, row.label.pk, row.label.name, row.quote, row.note, row.attributed_to)
        found.setdefault(row.paragraph_id, []).append((row.start, row.end, mark))
    return found


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
    span_counts: tuple[int, int] = (0, 0)  # the viewer's live spans on each side
    span_labels: list = field(default_factory=list)  # the labels of those spans, in label order

    @property
    def dated(self) -> bool:
        """Whether publication dates tell which is older."""
        return dated_apart(self.older, self.newer)

    @property
    def by_import(self) -> bool:
        """Whether the import order sets the two side by side: one or both undated, or the same day."""
        return not self.dated

    @property
    def labels(self) -> tuple[str, str]:
        """Return what to call the two sides, saying no more than the dates and the import order tell:
        an undated article is "Undated", never "Newer"."""
        if self.dated:
            return "Older", "Newer"
        if self.older.published_on is not None and self.newer.published_on is not None:
            return "Earlier import", "Later import"
        return (
            f"{_dating(self.older)}, earlier import",
            f"{_dating(self.newer)}, later import",
        )

    @property
    def badges(self) -> tuple[str, str]:
        """Return the badge style of each side: older / newer only when the dates tell."""
        if self.dated:
            return "older", "newer"
        return tuple("undated" if a.published_on is None else "import" for a in (self.older, self.newer))

    @property
    def order_note(self) -> str:
        if self.dated:
            return ""
        if self.older.published_on is not None and self.newer.published_on is not None:
            return (
                "Both were published the same day, so the import order sets them side by side, "
                "not which was written first."
            )
        undated = [a for a in (self.older, self.newer) if a.published_on is None]
        if len(undated) == 2:
            return (
                "Neither has a publication date, so they are set side by side in import order (earlier "
                "import on the left); which was written first is not known."
            )
        return (
            f"“{undated[0].title}” has no publication date, so the two are set side by side in import order "
            "(earlier import on the left); which was written first is not known."
        )

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


def dated_apart(a: Article, b: Article) -> bool:
    return a.published_on is not None and b.published_on is not None and a.published_on != b.published_on


def _dating(article: Article) -> str:
    return "Dated" if article.published_on is not None else "Undated"


def compare_order(first: Article, second: Article) -> tuple[Article, Article]:
    """Return the two articles, the older first when their publication dates tell; otherwise (one or both
    undated, or the same day) the earlier import first."""
    if dated_apart(first, second):
        return (first, second) if first.published_on < second.published_on else (second, first)
    return tuple(sorted([first, second], key=lambda a: (a.imported_at, a.pk)))


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
        suggestions = not_dismissed_by(viewer, suggestions)
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
    passages: list[Aligned],
    titles: list[str],
    sides: tuple[Side, Side],
    marks: tuple[dict, dict],
    names: tuple[str, str] = ("older", "newer"),
) -> None:
    """Mark the passages on both sides; `names` is what each side calls the other in the edit notes."""
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
                _mark(older, marks[0], a_start, a_end, "deleted", f"not in the {names[1]} text", n)
            elif op == "insert":
                _mark(newer, marks[1], b_start, b_end, "inserted", f"not in the {names[0]} text", n)


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
    older, newer = compare_order(first, second)
    older_is, newer_is = ("older", "newer") if dated_apart(older, newer) else ("other", "other")
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
    _mark_passages(reused, [p.title for p in passages], sides, marks, (older_is, newer_is))
    signed_in = viewer is not None and viewer.is_authenticated
    labels = {label.pk: label for label in Label.objects.all()} if signed_in else {}
    spans = _viewer_spans([older, newer], viewer, labels)
    views = [
        [
            ParagraphView(pid, position, _cut_by_spans(side_marks[pid].pieces(), spans.get(pid, [])))
            for pid, position, _ in side.paragraphs
        ]
        for side, side_marks in zip(sides, marks, strict=True)
    ]
    rows = _rows(views[0], views[1], _blocks(_paragraph_pairs(every, *sides)))
    used_labels = {mark.label_id for found in spans.values() for _, _, mark in found}
    o_doc, n_doc = blanked[0].document, blanked[1].document
    return Comparison(
        older=older,
        newer=newer,
        rows=rows,
        passages=passages,
        newer_from_older=_share(n_doc, reused, o_doc, older=False),
        older_in_newer=_share(o_doc, reused, n_doc, older=True),
        span_counts=tuple(sum(len(spans.get(pid, ())) for pid, _, _ in side.paragraphs) for side in sides),
        span_labels=[label for pk, label in labels.items() if pk in used_labels],
    )
