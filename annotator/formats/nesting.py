"""Spans sorted into layers in which no two overlap: CoNLL's tag columns, doccano's overlap setting.

`layers()` puts each span, in order of start (longest first), on the lowest layer whose spans all end at or
before it starts: first fit in that order uses the fewest layers any assignment can (as many as the most spans
over one character), and nested spans land below the span that holds them. `refusal()` names the spans a
target with `limit` layers cannot hold, each with a span it overlaps.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter

LISTED = 20  # a refusal names this many spans, then counts the rest


def order(row: dict) -> tuple:
    return (row["article_start"], -row["article_end"], row["label"], row["id"])


def layers(rows: Iterable[dict]) -> list[tuple[dict, int, dict | None]]:
    """Return (row, layer from 0, a row it overlaps on a lower layer or None) for the spans of ONE article."""
    ends: list[int] = []  # the end of the last span of each layer
    lasts: list[dict] = []
    placed = []
    for row in sorted(rows, key=order):
        layer = next((n for n, end in enumerate(ends) if end <= row["article_start"]), len(ends))
        blocker = lasts[0] if layer else None
        if layer == len(ends):
            ends.append(row["article_end"])
            lasts.append(row)
        else:
            ends[layer], lasts[layer] = row["article_end"], row
        placed.append((row, layer, blocker))
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
    return f"{len(misfits)} spans do not fit {what}, nothing was exported: {named}{more}."
