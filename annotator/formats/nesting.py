"""Spans sorted into layers in which no two overlap: CoNLL's tag columns, doccano's overlap setting.

`layers()` takes the spans in order of start (the longest first) and puts each one on the layer below the
deepest earlier span it overlaps (on the first layer when it overlaps none). So a span nested in another is
always deeper than it, as the nesting level of nested-NER corpora, and so is a span that crosses an earlier
one or repeats it. `refusal()` names the spans a target with `limit` layers cannot hold, each with the span
it overlaps.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter

LISTED = 20  # a refusal names this many spans, then counts the rest


def order(row: dict) -> tuple:
    return (row["article_start"], -row["article_end"], row["label"], row["id"])


def layers(rows: Iterable[dict]) -> list[tuple[dict, int, dict | None]]:
    """Return (row, layer from 0, the deepest earlier row it overlaps or None) for one article's spans."""
    open_rows: list[tuple[dict, int]] = []  # placed spans that end after the current start
    placed = []
    for row in sorted(rows, key=order):
        open_rows = [
            (other, layer) for other, layer in open_rows if other["article_end"] > row["article_start"]
        ]
        blocker, layer = max(open_rows, key=lambda item: item[1], default=(None, -1))
        open_rows.append((row, layer + 1))
        placed.append((row, layer + 1, blocker))
    return placed


def describe(row: dict) -> str:
    return (
        f"span {row['id']} ({row['label']} {row['quote']!r} at {row['article_start']}-{row['article_end']} "
        f"in article {row['article']})"
    )


def refusal(rows: Iterable[dict], limit: int, what: str) -> str | None:
    """Return the message naming every span (up to LISTED) that does not fit in `limit` layers, or None.
    `rows` must come article by article."""
    misfits = []
    for _, article_rows in groupby(rows, key=itemgetter("article")):
        misfits.extend((row, blocker) for row, layer, blocker in layers(article_rows) if layer >= limit)
    if not misfits:
        return None
    named = "; ".join(f"{describe(row)} overlaps {describe(blocker)}" for row, blocker in misfits[:LISTED])
    more = f"; and {len(misfits) - LISTED} more" if len(misfits) > LISTED else ""
    count = f"{len(misfits)} spans do not" if len(misfits) > 1 else "1 span does not"
    return f"{count} fit {what}, nothing was exported: {named}{more}."
