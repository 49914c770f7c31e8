"""Label Studio's JSON export for text spans: a JSON array with one task per article.

A task is `{"id": article id, "data": {"text": article text}, "annotations": [...]}` with one annotation per
reviewer (`"id": "<article>:<reviewer>"`) whose `result` items are `labels` regions. The labelling config
these match is `<Labels name="label" toName="text">` over `<Text name="text" value="$text"/>`.
Region offsets count UTF-16 code units (JavaScript string indices, what Label Studio uses) into the article
text (paragraphs joined with "\\n\\n").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import orjson

from articles.text import utf16_offset

MEDIA_TYPE = "application/json"
EXTENSION = "json"
NEEDS_TEXTS = True


def _region(row: dict, text: str) -> dict:
    start, end = row["article_start"], row["article_end"]
    if not text.isascii():
        start, end = utf16_offset(text, start), utf16_offset(text, end)
    return {
        "from_name": "label",
        "id": str(row["id"]),
        "source": "$text",
        "to_name": "text",
        "type": "labels",
        "value": {"end": end, "labels": [row["label"]], "start": start, "text": row["quote"]},
    }


def task(spans: list[dict]) -> dict:
    """Return the task of one article from its rows."""
    article, text = spans[0]["article"], spans[0]["article_text"]
    by_reviewer: dict[str, list[dict]] = {}
    for row in spans:
        by_reviewer.setdefault(row["reviewer"], []).append(_region(row, text))
    return {
        "annotations": [
            {"id": f"{article}:{reviewer}", "result": result} for reviewer, result in by_reviewer.items()
        ],
        "data": {"text": text},
        "id": article,
    }


def write(rows: Iterable[dict], **_options) -> Iterator[bytes]:
    """Yield a JSON array, one task per article, without holding more than one article."""
    yield b"["
    for index, (_, spans) in enumerate(groupby(rows, key=itemgetter("article"))):
        yield (b",\n" if index else b"\n") + orjson.dumps(task(list(spans)))
    yield b"\n]\n"
