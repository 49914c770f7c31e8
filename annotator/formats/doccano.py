"""doccano sequence-labelling JSONL: one line per article, `{"text": ..., "label": [[start, end, label]]}`.

`text` is the article text (paragraphs joined with "\\n\\n"); offsets are code points into it, end exclusive,
as in doccano's own export (`backend/data_export/pipeline/examples/sequence_labeling/example.jsonl`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import orjson

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"
NEEDS_TEXTS = True


def write(rows: Iterable[dict], **_options) -> Iterator[bytes]:
    """Yield one line per article that has spans."""
    for _, spans in groupby(rows, key=itemgetter("article")):
        spans = list(spans)
        line = {
            "text": spans[0]["article_text"],
            "label": sorted([row["article_start"], row["article_end"], row["label"]] for row in spans),
        }
        yield orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)
