"""Our own JSON Lines: one object per span with every field (see `rows.FIELDS`); also read back for import,
checked by `span_records.SpanRecordSerializer`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotator.formats.span_records import RecordError, SpanRecord, json_lines, span_record

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"
NEEDS_TEXTS = False


def write(rows: Iterable[dict], **_options) -> Iterator[bytes]:
    """Yield one JSON line per row; datetimes as RFC 3339 (naive ones are UTC)."""
    dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE | orjson.OPT_NAIVE_UTC
    for row in rows:
        yield dumps(row, option=option)


def _has_position(data: dict) -> bool:
    """Return whether a line places its span by paragraph or by article (our export writes both)."""
    return all(data.get(k) is not None for k in ("paragraph_position", "start", "end")) or all(
        data.get(k) is not None for k in ("article_start", "article_end")
    )


def record(data: object, line: int) -> SpanRecord | RecordError:
    """Return the span record of one exported object, or the error to report for its line."""
    if isinstance(data, dict) and not _has_position(data):
        return RecordError(
            line, "give 'paragraph_position', 'start' and 'end', or 'article_start' and 'article_end'."
        )
    return span_record(data, line)


def read(text: str) -> Iterator[SpanRecord | RecordError]:
    """Yield a record or an error for every non-blank line, numbered from 1."""
    for item in json_lines(text):
        yield item if isinstance(item, RecordError) else record(item[1], item[0])
