"""Our own JSON Lines: one object per span with every field (see `rows.FIELDS`); also read back for import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotator.formats.records import (
    FieldError,
    RecordError,
    SpanRecord,
    datetime_field,
    int_field,
    json_lines,
    text_field,
)

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"
NEEDS_TEXTS = False


def write(rows: Iterable[dict], **_options) -> Iterator[bytes]:
    """Yield one JSON line per row; datetimes as RFC 3339 (naive ones are UTC)."""
    dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE | orjson.OPT_NAIVE_UTC
    for row in rows:
        yield dumps(row, option=option)


def record(data: dict, line: int) -> SpanRecord:
    """Return the span record of one exported object, or raise FieldError."""
    position = int_field(data, "paragraph_position")
    start, end = int_field(data, "start"), int_field(data, "end")
    article_start, article_end = int_field(data, "article_start"), int_field(data, "article_end")
    if None in (position, start, end) and None in (article_start, article_end):
        raise FieldError(
            "give 'paragraph_position', 'start' and 'end', or 'article_start' and 'article_end'."
        )
    checksum = text_field(data, "article_checksum") or None
    url = text_field(data, "article_url") or None
    if checksum is None and url is None:
        raise FieldError("give 'article_checksum' or 'article_url' to say which article the span is in.")
    return SpanRecord(
        line=line,
        quote=text_field(data, "quote", required=True),
        label=text_field(data, "label", required=True),
        reviewer=text_field(data, "reviewer") or None,
        article_checksum=checksum,
        article_url=url,
        paragraph_position=position,
        start=start,
        end=end,
        article_start=article_start,
        article_end=article_end,
        prefix=text_field(data, "prefix"),
        suffix=text_field(data, "suffix"),
        note=text_field(data, "note"),
        attributed_to=text_field(data, "attributed_to"),
        created_at=datetime_field(data, "created_at"),
        updated_at=datetime_field(data, "updated_at"),
    )


def read(text: str) -> Iterator[SpanRecord | RecordError]:
    """Yield a record or an error for every non-blank line, numbered from 1."""
    for item in json_lines(text):
        if isinstance(item, RecordError):
            yield item
            continue
        number, data = item
        if not isinstance(data, dict):
            yield RecordError(number, f"expected a JSON object, got {type(data).__name__}.")
            continue
        try:
            yield record(data, number)
        except FieldError as error:
            yield RecordError(number, str(error))
