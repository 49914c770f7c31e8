"""doccano sequence-labelling JSONL: one line per article, `{"text": ..., "label": [[start, end, label]]}`.

`text` is the article text (paragraphs joined with "\\n\\n"); offsets are end-exclusive indices into it, in
code points by default, as doccano's backend stores them and its own export writes them
(`backend/data_export/pipeline/examples/sequence_labeling/example.jsonl`). Project settings that keep every
span as exported (doccano 1.8, "Sequence Labeling" project):

- "Allow overlapping spans" on: a project without it silently keeps only one of two overlapping spans on
  import. For such a project export with `overlap=refuse`, which refuses (400, naming them) rather than lets
  doccano drop them.
- "Count grapheme clusters as one character" on: its labelling page then draws code-point offsets on the
  right characters. A project without it reads offsets as JavaScript (UTF-16) indices, so spans after an emoji
  are drawn shifted (doccano issue #2290): export for it with `offsets=utf16`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import orjson

from annotator.formats import nesting
from annotator.formats.units import converter

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"
NEEDS_TEXTS = True


def write(rows: Iterable[dict], *, offsets: str = "codepoints", **_options) -> Iterator[bytes]:
    """Yield one line per article that has spans."""
    for _, spans in groupby(rows, key=itemgetter("article")):
        spans = list(spans)
        text = spans[0]["article_text"]
        unit = converter(text, offsets)
        line = {
            "text": text,
            "label": sorted(
                [unit(row["article_start"]), unit(row["article_end"]), row["label"]] for row in spans
            ),
        }
        yield orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)


def refusal(rows: Callable[[], Iterable[dict]], options: dict[str, str]) -> dict[str, list[str]]:
    """With `overlap=refuse`, name the spans that overlap another (a doccano project without overlapping
    spans would drop them)."""
    if options.get("overlap") != "refuse":
        return {}
    message = nesting.refusal(rows(), 1, "a doccano project without overlapping spans")
    return {"overlap": [message]} if message else {}
