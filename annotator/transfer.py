"""Annotation transfer: copy an analyst's spans from one article onto the matching text of another.

Each span is re-anchored by its quote and context: an occurrence of the quote in the target that is really the
same text, the best-context one if several are (exact); else the span's ends carried through the word
alignment of the reused sentences (onto edited text); else no match. An occurrence is the same text when it
lies in a target sentence the reuse alignment matched to the span's sentence or, where the span's sentence has
no match (rewritten, or too short to be matched), when the text on both sides of it agrees. The quoted words
alone are not enough: short quotes recur in unrelated claims. A span the analyst already has there (same
label, overlapping text) is left alone, so nothing is overwritten or duplicated. `apply` creates the rest
through `spans.create(..., transferred_from=span)`, which records each as a transfer in the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator

from annotator import spans
from annotator.models import Annotation
from articles.models import Article, Paragraph
from articles.sentences import Match, Sentence, match_sentences, split_paragraphs, token_opcodes
from articles.text import normalise, trim_span

CONTEXT_CHARS = 40
# How closely the CONTEXT_CHARS on each side of an occurrence must match the span's (difflib ratio) when no
# sentence match vouches for it: about one changed word per side. Measured on pairs of recurring 1-3 word
# phrases in unrelated news sentences, the worse side stays below 0.7 except where the same words are quoted.
CONTEXT_AGREEMENT = 0.75
REFUSAL_QUOTE_CHARS = 60
QUOTE_ABSENT = "The quoted words do not appear in this article."
QUOTE_ELSEWHERE = "The quoted words appear in this article, but only in other sentences."


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


def _context_ratios(
    source: str, start: int, end: int, target: str, t_start: int, t_end: int
) -> tuple[float, float]:
    """Return how alike the text before and the text after the two ranges are, each from 0 to 1."""
    before = SequenceMatcher(
        None, source[max(0, start - CONTEXT_CHARS) : start], target[max(0, t_start - CONTEXT_CHARS) : t_start]
    )
    after = SequenceMatcher(None, source[end : end + CONTEXT_CHARS], target[t_end : t_end + CONTEXT_CHARS])
    return before.ratio(), after.ratio()


Occurrence = tuple[Paragraph, int, int]


def _occurrences(quote: str, paragraphs: list[Paragraph]) -> list[Occurrence]:
    found = []
    for paragraph in paragraphs:
        at = paragraph.text.find(quote)
        while at != -1:
            found.append((paragraph, at, at + len(quote)))
            at = paragraph.text.find(quote, at + 1)
    return found


def _containing(matches: list[Match], paragraph: int, offset: int, *, is_end: bool) -> list[Match]:
    """Return the matches whose source sentence holds the offset."""
    return [
        m
        for m in matches
        if m.a.paragraph == paragraph
        and (m.a.start < offset <= m.a.end if is_end else m.a.start <= offset < m.a.end)
    ]


def _lands_in(matches: list[Match], paragraph: int, offset: int, *, is_end: bool) -> bool:
    """Return whether the offset lies in a target sentence of one of the matches."""
    return any(
        m.b.paragraph == paragraph
        and (m.b.start < offset <= m.b.end if is_end else m.b.start <= offset < m.b.end)
        for m in matches
    )


def _by_quote(span: Annotation, found: list[Occurrence], matches: list[Match]) -> Occurrence | None:
    """Return the occurrence of the quote that is the span's own text, the best-context one if several are."""
    first = _containing(matches, span.paragraph_id, span.start, is_end=False)
    last = _containing(matches, span.paragraph_id, span.end, is_end=True)
    source = span.paragraph.text

    def ratios(occurrence: Occurrence) -> tuple[float, float]:
        paragraph, start, end = occurrence
        return _context_ratios(source, span.start, span.end, paragraph.text, start, end)

    def is_same_text(occurrence: Occurrence) -> bool:
        paragraph, start, end = occurrence
        if first or last:
            # The alignment knows where the span's sentence went: only an occurrence there is the same text.
            return (not first or _lands_in(first, paragraph.pk, start, is_end=False)) and (
                not last or _lands_in(last, paragraph.pk, end, is_end=True)
            )
        return min(ratios(occurrence)) >= CONTEXT_AGREEMENT

    return max(filter(is_same_text, found), key=lambda f: sum(ratios(f)), default=None)


def _carry(match: Match, offset: int, *, is_end: bool) -> int | None:
    """Return where a character offset of sentence `a` lands in sentence `b`, word by word."""
    a, b = match.a, match.b
    if is_end:
        index = max((i for i, t in enumerate(a.tokens) if t.start < offset), default=None)
    else:
        index = next((i for i, t in enumerate(a.tokens) if t.end > offset), None)
    if index is None:
        return None
    token = a.tokens[index]
    for op, i1, i2, j1, j2 in token_opcodes(a, b):
        if not i1 <= index < i2:
            continue
        if op == "equal":
            other = b.tokens[j1 + index - i1]
            same = (
                a.text[token.start - a.start : token.end - a.start]
                == b.text[other.start - b.start : other.end - b.start]
            )
            if is_end:
                return other.end - (token.end - offset if same and offset > token.start else 0)
            return other.start + (offset - token.start if same and offset > token.start else 0)
        if op == "replace":
            return b.tokens[j2 - 1].end if is_end else b.tokens[j1].start
        # A deleted word: the span's edge moves to the nearest word that survived.
        if is_end:
            return b.tokens[j1 - 1].end if j1 > 0 else None
        return b.tokens[j1].start if j1 < len(b.tokens) else None
    return None


def _by_alignment(span: Annotation, matches: list[Match], targets: dict[int, Paragraph]):
    """Return (paragraph, start, end) carried through the reused sentences, or None."""
    for first in _containing(matches, span.paragraph_id, span.start, is_end=False):
        for last in _containing(matches, span.paragraph_id, span.end, is_end=True):
            if first.b.paragraph != last.b.paragraph:
                continue
            start = _carry(first, span.start, is_end=False)
            end = _carry(last, span.end, is_end=True)
            if start is None or end is None or start >= end:
                continue
            paragraph = targets[first.b.paragraph]
            start, end = trim_span(paragraph.text, start, end)
            if start < end:
                return paragraph, start, end
    return None


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


def _sentences(paragraphs: list[Paragraph]) -> list[Sentence]:
    return split_paragraphs((p.pk, p.text) for p in paragraphs)


def preview(*, source: Article, target: Article, reviewer) -> list[Item]:
    """Return what transferring the reviewer's spans from `source` to `target` would do, span by span."""
    if source.pk == target.pk:
        raise ValidationError("Choose two different articles to transfer spans between.")
    own = list(
        Annotation.objects.live().for_article(source).by(reviewer).select_related("label", "paragraph")
    )
    targets = list(target.paragraphs.order_by("position"))
    by_id = {p.pk: p for p in targets}
    source_paragraphs = list(source.paragraphs.order_by("position"))
    matches = match_sentences(_sentences(source_paragraphs), _sentences(targets))
    existing = list(
        Annotation.objects.live()
        .for_article(target)
        .by(reviewer)
        .values_list("paragraph_id", "label_id", "start", "end")
    )
    items = []
    for span in own:
        item = _place(span, targets, matches, by_id)
        if item.transferable and any(
            pid == item.paragraph.pk and label == span.label_id and s < item.end and item.start < e
            for pid, label, s, e in existing
        ):
            item.status, item.reason = Status.PRESENT, "You already tagged these words with this label there."
        elif item.transferable:
            existing.append((item.paragraph.pk, span.label_id, item.start, item.end))
        items.append(item)
    return items


def _place(span: Annotation, targets: list[Paragraph], matches: list[Match], by_id: dict) -> Item:
    occurrences = _occurrences(span.quote, targets)
    found = _by_quote(span, occurrences, matches)
    if found is not None:
        return Item(span, Status.EXACT, *found)
    found = _by_alignment(span, matches, by_id)
    if found is None:
        reason = QUOTE_ELSEWHERE if occurrences else QUOTE_ABSENT
        return Item(span, Status.MISSING, reason=reason)
    paragraph, start, end = found
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
