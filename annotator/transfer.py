"""Annotation transfer: copy an analyst's spans from one article onto the matching text of another.

The two articles are aligned passage by passage (`annotator.alignment`), as the compare page shows them. A
span inside a reused passage follows it: through the word-level alignment for a verbatim or edited passage
(an offset shift where the words are alike, the edit's edges where they changed), or, in a passage that was
rewritten or summarised, only onto the same quoted words inside the aligned text. A span outside every
passage lands only on its quoted words where the text on both sides of them agrees too: short quotes recur
in unrelated claims. Spans stay in one paragraph, so a span whose words end up in two paragraphs of the
target is listed as not transferable. A span the analyst already has there (same label, overlapping text)
is left alone, so nothing is overwritten or duplicated. `apply` creates the rest through
`spans.create(..., transferred_from=span)`, in one transaction, which records each as a transfer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator

from annotator import alignment, spans
from annotator.alignment import Aligned, Side
from annotator.models import Annotation
from articles.models import Article, Paragraph
from articles.passages import Kind
from articles.sentences import age_key
from articles.text import normalise, trim_span

CONTEXT_CHARS = 40
# How closely the CONTEXT_CHARS on each side of an occurrence must match the span's (difflib ratio) when no
# reused passage vouches for it: about one changed word per side. Measured on pairs of recurring 1-3 word
# phrases in unrelated news sentences, the worse side stays below 0.7 except where the same words are quoted.
CONTEXT_AGREEMENT = 0.75
REFUSAL_QUOTE_CHARS = 60
QUOTE_ABSENT = "The quoted words do not appear in this article."
QUOTE_ELSEWHERE = "The quoted words appear in this article, but only in other sentences."
QUOTE_REWRITTEN = (
    "This passage was rewritten or summarised in this article, and the quoted words are not in its new text."
)
QUOTE_CUT = "The reused passage leaves out the quoted words."
QUOTE_SPLIT = "In this article the quoted words run across two paragraphs; a span stays within one paragraph."


class Status:
    EXACT = "exact"
    EDITED = "edited"
    MISSING = "missing"
    PRESENT = "present"


@dataclass
class Item:
    """What would happen to one span: where it lands in the target and how."""

    span: Annotation
    status: str
    paragraph: Paragraph | None = None
    start: int | None = None
    end: int | None = None
    reason: str = ""
    diff: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start : self.end] if self.paragraph is not None else ""

    @property
    def transferable(self) -> bool:
        return self.status in (Status.EXACT, Status.EDITED)


@dataclass
class _Pair:
    """The two articles' texts and the passages they share, seen from the source."""

    source: Side
    target: Side
    paragraphs: list[Paragraph]
    passages: list[Aligned]

    def __post_init__(self) -> None:
        self.index = {pid: i for i, (pid, _, _) in enumerate(self.source.paragraphs)}

    def article_range(self, span: Annotation) -> tuple[int, int]:
        base = self.source.starts[self.index[span.paragraph_id]]
        return base + span.start, base + span.end

    def landing(self, start: int, end: int) -> tuple[Paragraph, int, int] | None:
        """Return the target paragraph and offsets of an article-level range; None across paragraphs."""
        first, last = self.target.locate(start, is_end=False), self.target.locate(end, is_end=True)
        if first is None or last is None or first[0] != last[0]:
            return None
        return self.paragraphs[first[0]], first[1], last[1]


def _side(paragraphs: list[Paragraph]) -> Side:
    return Side([(p.pk, p.position, p.text) for p in paragraphs])


def _context_ratios(
    source: str, start: int, end: int, target: str, t_start: int, t_end: int
) -> tuple[float, float]:
    """Return how alike the text before and the text after the two ranges are, each from 0 to 1.

    Each side compares as much text as the source has there (up to CONTEXT_CHARS): where the source
    article ends, there is nothing to agree with.
    """
    before_chars = min(CONTEXT_CHARS, start)
    after_chars = min(CONTEXT_CHARS, len(source) - end)
    before = SequenceMatcher(
        None, source[start - before_chars : start], target[max(0, t_start - before_chars) : t_start]
    )
    after = SequenceMatcher(None, source[end : end + after_chars], target[t_end : t_end + after_chars])
    return before.ratio(), after.ratio()


def _occurrences(quote: str, text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Return the article-level offsets where `quote` starts in text[start:end]."""
    found, end = [], len(text) if end is None else end
    at = text.find(quote, start, end)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1, end)
    return found


def _by_context(span: Annotation, pair: _Pair, found: list[int]) -> tuple[int, int] | None:
    """Return the occurrence of the quote whose surroundings are the span's own, the best one if several."""
    source, start, end = pair.source.text, *pair.article_range(span)

    def ratios(at: int) -> tuple[float, float]:
        return _context_ratios(source, start, end, pair.target.text, at, at + len(span.quote))

    agreeing = [at for at in found if min(ratios(at)) >= CONTEXT_AGREEMENT]
    best = max(agreeing, key=lambda at: sum(ratios(at)), default=None)
    return None if best is None else (best, best + len(span.quote))


def _in_rewritten(span: Annotation, pair: _Pair, passage: Aligned) -> tuple[int, int] | None:
    """Return the quote's unchanged occurrence in the passage's target text nearest to where the span sits
    in its source text, proportionally."""
    found = _occurrences(span.quote, pair.target.text, passage.target_start, passage.target_end)
    start, _ = pair.article_range(span)
    share = (start - passage.source_start) / max(1, passage.source_end - passage.source_start)
    expected = passage.target_start + share * (passage.target_end - passage.target_start)
    best = min(found, key=lambda at: abs(at - expected), default=None)
    return None if best is None else (best, best + len(span.quote))


def _carried(span: Annotation, pair: _Pair, passage: Aligned) -> tuple[int, int] | None:
    """Return the span's range carried through the passage's word edits, None if none of its words stayed."""
    start, end = pair.article_range(span)
    source, target = pair.source.document, pair.target.document
    lo, hi = source.words_in(start, end)
    if not any(lo <= i < hi for i, _ in alignment.equal_words(passage, source, target)):
        return None
    t_start = alignment.carry(passage, source, target, start, is_end=False)
    t_end = alignment.carry(passage, source, target, end, is_end=True)
    if t_start is None or t_end is None:
        return None
    t_start, t_end = trim_span(pair.target.text, t_start, t_end)
    return (t_start, t_end) if t_start < t_end else None


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return (kind, text) pieces showing `old` turned into `new`: same, deleted or inserted words."""
    a, b = old.split(), new.split()
    pieces = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(a[i1:i2])))
            continue
        if i1 < i2:
            pieces.append(("deleted", " ".join(a[i1:i2])))
        if j1 < j2:
            pieces.append(("inserted", " ".join(b[j1:j2])))
    return pieces


def _pair(source: Article, target: Article) -> _Pair:
    source_paragraphs = list(source.paragraphs.order_by("position"))
    target_paragraphs = list(target.paragraphs.order_by("position"))
    source_side, target_side = _side(source_paragraphs), _side(target_paragraphs)
    shared = alignment.passages(
        source_side, target_side, source_is_earlier=age_key(source) <= age_key(target)
    )
    return _Pair(source_side, target_side, target_paragraphs, shared)


def preview(*, source: Article, target: Article, reviewer) -> list[Item]:
    """Return what transferring the reviewer's spans from `source` to `target` would do, span by span."""
    if source.pk == target.pk:
        raise ValidationError("Choose two different articles to transfer spans between.")
    own = list(
        Annotation.objects.live().for_article(source).by(reviewer).select_related("label", "paragraph")
    )
    pair = _pair(source, target)
    existing = list(
        Annotation.objects.live()
        .for_article(target)
        .by(reviewer)
        .values_list("paragraph_id", "label_id", "start", "end")
    )
    items = []
    for span in own:
        item = _place(span, pair)
        if item.transferable and any(
            pid == item.paragraph.pk and label == span.label_id and s < item.end and item.start < e
            for pid, label, s, e in existing
        ):
            item.status, item.reason = Status.PRESENT, "You already tagged these words with this label there."
        elif item.transferable:
            existing.append((item.paragraph.pk, span.label_id, item.start, item.end))
        items.append(item)
    return items


def _place(span: Annotation, pair: _Pair) -> Item:
    start, end = pair.article_range(span)
    passage = next((p for p in pair.passages if p.holds(start, end)), None)
    if passage is None:
        found = _occurrences(span.quote, pair.target.text)
        outside = [at for at in found if not any(p.target_start <= at < p.target_end for p in pair.passages)]
        reason = QUOTE_ELSEWHERE if found else QUOTE_ABSENT
        return _item(span, pair, _by_context(span, pair, outside), reason)
    carried = None if passage.kind == Kind.REWRITTEN else _carried(span, pair, passage)
    if carried is None:
        reason = QUOTE_REWRITTEN if passage.kind == Kind.REWRITTEN else QUOTE_CUT
        return _item(span, pair, _in_rewritten(span, pair, passage), reason)
    return _item(span, pair, carried, QUOTE_CUT)


def _item(span: Annotation, pair: _Pair, found: tuple[int, int] | None, reason: str) -> Item:
    if found is None:
        return Item(span, Status.MISSING, reason=reason)
    landing = pair.landing(*found)
    if landing is None:
        return Item(span, Status.MISSING, reason=QUOTE_SPLIT)
    paragraph, start, end = landing
    text = paragraph.text[start:end]
    if normalise(text) == normalise(span.quote):
        return Item(span, Status.EXACT, paragraph, start, end)
    return Item(span, Status.EDITED, paragraph, start, end, diff=_word_diff(span.quote, text))


# Why a chosen span is refused, as the refusal message says it after the span's quote.
REFUSALS = {Status.PRESENT: "already there", Status.MISSING: "no match in the target"}


def refusal_message(refused: list[Item]) -> str:
    """Return the refusal for spans that cannot be transferred: each quote and its reason, in text order."""
    ordered = sorted(refused, key=lambda i: (i.span.paragraph.position, i.span.start, i.span.pk))
    reasons = "; ".join(
        f"“{Truncator(i.span.quote).chars(REFUSAL_QUOTE_CHARS)}” ({REFUSALS.get(i.status, i.status)})"
        for i in ordered
    )
    subject = "This span cannot" if len(ordered) == 1 else "These spans cannot"
    return f"{subject} be transferred: {reasons}."


@transaction.atomic
def apply(
    *, source: Article, target: Article, reviewer, span_ids: set[int] | None = None
) -> list[Annotation]:
    """Create the transferable spans (all, or those in `span_ids`) in the target; return them.

    A span id that is not the reviewer's live span in `source`, or that cannot be transferred, is refused
    and nothing is written.
    """
    items = preview(source=source, target=target, reviewer=reviewer)
    chosen = [i for i in items if span_ids is None or i.span.pk in span_ids]
    if span_ids is not None:
        unknown = span_ids - {i.span.pk for i in items}
        refused = [i for i in chosen if not i.transferable]
        if unknown:
            numbers = ", ".join(str(pk) for pk in sorted(unknown))
            raise ValidationError(f"These spans are not yours in this article: {numbers}.")
        if refused:
            raise ValidationError(refusal_message(refused))
    return [
        spans.create(
            paragraph=item.paragraph,
            label=item.span.label,
            start=item.start,
            end=item.end,
            reviewer=reviewer,
            note=item.span.note,
            attributed_to=item.span.attributed_to,
            transferred_from=item.span,
        )
        for item in chosen
        if item.transferable
    ]
