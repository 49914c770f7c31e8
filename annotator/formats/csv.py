"""CSV: the JSON Lines fields as columns, one row per span, with a header row. RFC 4180 quoting.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some read a leading tab or
carriage return the same way): a note `=HYPERLINK("http://evil","x")` would become a live link. Following
OWASP's CSV injection guidance, such a text cell gets a single quote in front (`'=HYPERLINK(...)`), which
spreadsheets show as text; numbers are left alone. `formulas=raw` writes every cell unchanged, for programs
that read the file (a program reading an escaped file should strip one leading `'` from text cells that start
with `'` followed by one of those characters).
"""

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
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timestamp(value)
    return value


def _escaped(value: object) -> object:
    value = _cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(
    rows: Iterable[dict], *, fields: Iterable[str], formulas: str = "escape", **_options
) -> Iterator[bytes]:
    """Yield the header, then the rows in chunks of ROWS_PER_CHUNK."""
    fields = list(fields)
    cell = _cell if formulas == "raw" else _escaped
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(row[field]) for field in fields])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
