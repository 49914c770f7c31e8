"""Label Studio JSON tasks for text spans: a JSON array with one task per article, for its import (the API's
`POST /api/projects/<id>/import` or the import dialog).

A task is `{"data": {"text": article text, "article": article id, "title": ..., "reviewers": [...]},
"annotations": [...]}` with one annotation per reviewer, whose `result` items are `labels` regions
(`{"id": "<span id>", "from_name": "label", "to_name": "text", "source": "$text", "type": "labels",
"value": {"start", "end", "text", "labels": [label slug]}}`). The labelling config these match is
`<View><Labels name="label" toName="text">...</Labels><Text name="text" value="$text"/></View>`.

Tasks and annotations carry no `id`: Label Studio numbers them itself, and reads an annotation's id as the
number of an earlier import of its own (`import_id`), answering 500 to anything else; the article id is in
`data.article`. Nor `completed_by`: Label Studio wants the id or email of one of its own users there (an
unknown one fails the whole import) and gives annotations without it to the user who imports. Its import keeps
an annotation's result and a few fixed fields only, so `data.reviewers` names the reviewer of each
annotation, in order.

With `as=predictions` the same results go under `predictions` (`model_version` "provenance:<reviewer>"),
which Label Studio shows as pre-annotations to review.

Offsets count code points into the article text (paragraphs joined with "\\n\\n"), as Label Studio 1.23 stores
and draws them (its frontend converts selections to code points since its PR #1559); `offsets=utf16` writes
UTF-16 code units (JavaScript string indices), for older Label Studio.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import orjson

from annotator.formats.units import converter

MEDIA_TYPE = "application/json"
EXTENSION = "json"
NEEDS_TEXTS = True


def _region(row: dict, unit) -> dict:
    return {
        "from_name": "label",
        "id": str(row["id"]),
        "source": "$text",
        "to_name": "text",
        "type": "labels",
        "value": {
            "end": unit(row["article_end"]),
            "labels": [row["label"]],
            "start": unit(row["article_start"]),
            "text": row["quote"],
        },
    }


def task(spans: list[dict], *, offsets: str = "codepoints", as_: str = "annotations") -> dict:
    """Return the task of one article from its rows."""
    first = spans[0]
    unit = converter(first["article_text"], offsets)
    by_reviewer: dict[str, list[dict]] = {}
    for row in spans:
        by_reviewer.setdefault(row["reviewer"], []).append(_region(row, unit))
    if as_ == "predictions":
        results = [
            {"model_version": f"provenance:{reviewer}", "result": result}
            for reviewer, result in by_reviewer.items()
        ]
    else:
        results = [{"result": result} for result in by_reviewer.values()]
    return {
        as_: results,
        "data": {
            "article": first["article"],
            "reviewers": list(by_reviewer),
            "text": first["article_text"],
            "title": first["article_title"],
        },
    }


def write(rows: Iterable[dict], *, offsets: str = "codepoints", **options) -> Iterator[bytes]:
    """Yield a JSON array, one task per article, without holding more than one article."""
    as_ = options.get("as", "annotations")
    yield b"["
    for index, (_, spans) in enumerate(groupby(rows, key=itemgetter("article"))):
        yield (b",\n" if index else b"\n") + orjson.dumps(task(list(spans), offsets=offsets, as_=as_))
    yield b"\n]\n"
