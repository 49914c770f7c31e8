"""Export rows as `annotator.formats.rows.iter_rows` yields them, built without a database."""

from __future__ import annotations

import datetime

from annotator.formats.anchoring import SEPARATOR

PARAGRAPHS = [
    "On Monday the council met in the town hall.",
    'The mayor said the budget would be cut by 10%, a "painful" step.',
    "Some observers wonder whether the cut is a prelude to privatisation 😮.",
]
WHEN = datetime.datetime(2025, 3, 1, 12, 30, tzinfo=datetime.UTC)


def row(
    quote: str,
    label: str,
    *,
    paragraph: int = 1,
    reviewer: str = "alice",
    note: str = "",
    attributed_to: str = "",
    article: int = 7,
    paragraphs: list[str] = PARAGRAPHS,
    span_id: int = 1,
) -> dict:
    """Return the row of the first occurrence of `quote` in paragraph number `paragraph`."""
    text = paragraphs[paragraph]
    start = text.index(quote)
    offset = sum(len(p) + len(SEPARATOR) for p in paragraphs[:paragraph])
    return {
        "id": span_id, "article": article, "article_title": "Council meets", "article_url": None,
        "article_checksum": "ab" * 32, "publisher": "town-crier", "original_source": None,
        "paragraph": 100 + paragraph, "paragraph_position": paragraph,
        "start": start, "end": start + len(quote),
        "quote": quote, "label": label, "reviewer": reviewer, "note": note, "attributed_to": attributed_to,
        "created_at": WHEN, "updated_at": WHEN, "article_start": offset + start,
        "article_end": offset + start + len(quote), "prefix": text[max(0, start - 32) : start],
        "suffix": text[start + len(quote) : start + len(quote) + 32], "paragraph_text": text,
        "article_text": SEPARATOR.join(paragraphs),
    }  # fmt: skip
