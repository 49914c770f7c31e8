"""CSV: the JSON Lines fields as columns, one row per span, with a header row. RFC 4180 quoting."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from annotator.formats.span_records import timestamp

MEDIA_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"
NEEDS_TEXTS = False
ROWS_PER_CHUNK = 500


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timestamp(value)
    return value


def write(rows: Iterable[dict], *, fields: Iterable[str], **_options) -> Iterator[bytes]:
    """Yield the header, then the rows in chunks of ROWS_PER_CHUNK."""
    fields = list(fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_cell(row[field]) for field in fields])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
