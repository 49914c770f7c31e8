"""Find where a quoted span sits in an article: by its position first, then by its quote and context. Pure.

A span is anchored by its position when the text there is its quote. Otherwise the quote is searched in
the whole article text (paragraphs joined with "\\n\\n") and kept only when its context singles out one
place: the one occurrence with both prefix and suffix matching, else the one with either. Anything else is
reported as unmatched with the reason, never guessed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Anchor:
    paragraph: int  # index into the paragraph list
    start: int
    end: int
    moved: bool


class Unmatched(ValueError):
    """The span cannot be placed without guessing."""


def offsets_of(paragraphs: Sequence[str]) -> list[int]:
    """Return the article-level offset at which each paragraph starts."""
    offsets, offset = [], 0
    for text in paragraphs:
        offsets.append(offset)
        offset += len(text) + len(SEPARATOR)
    return offsets


def _in_paragraph(
    paragraphs: Sequence[str], offsets: list[int], start: int, end: int
) -> tuple[int, int, int]:
    index = bisect_right(offsets, start) - 1
    local_start, local_end = start - offsets[index], end - offsets[index]
    if local_end > len(paragraphs[index]):
        raise Unmatched("the quote runs across a paragraph break; spans stay within one paragraph.")
    return index, local_start, local_end


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _by_context(text: str, quote: str, prefix: str, suffix: str) -> int:
    hits = _occurrences(text, quote)
    shown = quote if len(quote) <= 60 else quote[:57] + "..."
    if not hits:
        raise Unmatched(f"the quote {shown!r} is not in the article.")
    before = {h for h in hits if text.endswith(prefix, 0, h)}
    after = {h for h in hits if text.startswith(suffix, h + len(quote))}
    both, either = before & after, before | after
    if len(both) == 1:
        return both.pop()
    if len(both) > 1:
        raise Unmatched(
            f"the quote {shown!r} occurs {len(both)} times with the same context; cannot tell which."
        )
    if (prefix or suffix) and len(either) == 1:
        return either.pop()
    raise Unmatched(
        f"the quote {shown!r} occurs {len(hits)} time(s) but its prefix and suffix single out none of them."
    )


def locate(
    paragraphs: Sequence[str],
    *,
    quote: str,
    prefix: str = "",
    suffix: str = "",
    paragraph: int | None = None,
    start: int | None = None,
    end: int | None = None,
    article_start: int | None = None,
    article_end: int | None = None,
) -> Anchor:
    """Return where the span is, from a paragraph index with offsets or from article-level offsets."""
    if not paragraphs:
        raise Unmatched("the article has no text.")
    offsets = offsets_of(paragraphs)
    if paragraph is not None and start is not None and end is not None:
        if 0 <= paragraph < len(paragraphs) and paragraphs[paragraph][start:end] == quote:
            return Anchor(paragraph, start, end, moved=False)
    elif article_start is not None and article_end is not None and article_start < article_end:
        try:
            index, local_start, local_end = _in_paragraph(paragraphs, offsets, article_start, article_end)
        except Unmatched:
            pass  # the position no longer fits this text: fall back to the quote and its context
        else:
            if paragraphs[index][local_start:local_end] == quote:
                return Anchor(index, local_start, local_end, moved=False)
    at = _by_context(SEPARATOR.join(paragraphs), quote, prefix, suffix)
    index, local_start, local_end = _in_paragraph(paragraphs, offsets, at, at + len(quote))
    return Anchor(index, local_start, local_end, moved=True)
