"""What an import format reads: one span record per annotation, or an error with its line number. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson


@dataclass(frozen=True)
class SpanRecord:
    """One span as a file describes it. Offsets are code points; either paragraph- or article-level."""

    line: int
    quote: str
    label: str
    reviewer: str | None = None
    article_checksum: str | None = None
    article_url: str | None = None
    paragraph_position: int | None = None
    start: int | None = None
    end: int | None = None
    article_start: int | None = None
    article_end: int | None = None
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    attributed_to: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class RecordError:
    line: int
    message: str


class FieldError(ValueError):
    """A record field has the wrong type or is missing."""


def json_lines(text: str) -> Iterator[tuple[int, object] | RecordError]:
    """Yield (line number, value) per non-blank line of JSON Lines, or an error for a line that is no JSON.

    Lines end at "\n" only: a JSON string may hold U+2028, U+0085 and the other characters at which
    `str.splitlines()` would cut a record in two.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield RecordError(number, f"not valid JSON ({error}).")


def text_field(data: dict, key: str, *, required: bool = False, default: str = "") -> str:
    """Return a string field, refusing other types with a message that names the field."""
    value = data.get(key)
    if value is None:
        if required:
            raise FieldError(f"{key!r} is required.")
        return default
    if not isinstance(value, str):
        raise FieldError(f"{key!r} must be a string, not {type(value).__name__}.")
    if "\x00" in value:
        raise FieldError(f"{key!r} must not contain NUL (\\u0000) characters.")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise FieldError(f"{key!r} must not contain unpaired UTF-16 surrogates.") from None
    if required and not value:
        raise FieldError(f"{key!r} must not be empty.")
    return value


def int_field(data: dict, key: str) -> int | None:
    """Return an optional non-negative integer field (booleans are not integers here)."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{key!r} must be an integer, not {type(value).__name__}.")
    if value < 0:
        raise FieldError(f"{key!r} must be 0 or more, not {value}.")
    return value


def datetime_field(data: dict, key: str) -> datetime | None:
    """Return an optional RFC 3339 / ISO 8601 timestamp field; one without a UTC offset is taken as UTC."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"{key!r} must be a timestamp string, not {type(value).__name__}.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(
            f"{key!r} must be a timestamp like 2016-12-10T08:30:00+00:00, not {value!r}."
        ) from None
    try:
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except OverflowError:
        raise FieldError(f"{key!r} is out of range once moved to UTC: {value!r}.") from None


def timestamp(value: datetime | str) -> str:
    """Return a row's timestamp in RFC 3339; naive datetimes are UTC (as SQLite hands them over)."""
    if isinstance(value, str):
        return value
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
