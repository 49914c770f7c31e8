"""The declared shape of a span record, shared by API bodies and import files, and the reading of JSON lines.

`SpanFieldsSerializer` declares the fields every span input carries (offsets, quote, label, note, attribution)
with their types. The API's create body adds the paragraph (its update body takes `SpanTextsSerializer`);
`SpanRecordSerializer`, one line of our JSONL export and what the W3C reader maps an annotation to, adds
where the span sits in its article. They check types only: `annotator.spans` judges offsets, quote, white
space and lengths, with one message per rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from rest_framework import serializers

from annotator.models import ATTRIBUTION_MAX_LENGTH, NOTE_MAX_LENGTH

START_HELP = (
    "Code-point offset into the paragraph's text. Offsets that take in white space at either edge are "
    "trimmed to the words inside them (the stored span and its quote start at the first word); offsets that "
    "cover only white space are refused."
)
END_HELP = "Code-point offset, exclusive; trimmed like `start` when it follows white space."


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
    """A record does not have the structure its format needs."""


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings: DRF's own turns 5 into "5", which would store a number the
    client never meant as text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def optional_text(**kwargs) -> StrictCharField:
    return StrictCharField(required=False, allow_blank=True, trim_whitespace=False, **kwargs)


class SpanTextsSerializer(serializers.Serializer):
    """What every span input says about a span's words: its label, note and attribution."""

    label = StrictCharField(max_length=50, help_text="Label slug, see /api/v1/labels/.")
    note = optional_text(help_text=f"Up to {NOTE_MAX_LENGTH} characters once edge white space is dropped.")
    attributed_to = optional_text(
        help_text=f"Who the claim is attributed to; up to {ATTRIBUTION_MAX_LENGTH} characters once edge "
        "white space is dropped."
    )


class SpanFieldsSerializer(SpanTextsSerializer):
    """The fields of a span in every input that places one: their types. `annotator.spans` judges values."""

    start = serializers.IntegerField(help_text=START_HELP)
    end = serializers.IntegerField(help_text=END_HELP)
    quote = StrictCharField(
        required=False,
        trim_whitespace=False,
        help_text="When given, must equal the text between start and end as sent, before trimming.",
    )


def _nullable_text(**kwargs) -> StrictCharField:
    return optional_text(allow_null=True, **kwargs)


def _nullable_int(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, allow_null=True, **kwargs)


def _timestamp(**kwargs) -> serializers.DateTimeField:
    # A moment without a UTC offset is taken as UTC, as SQLite hands timestamps over.
    return serializers.DateTimeField(
        required=False,
        allow_null=True,
        default_timezone=UTC,
        error_messages={
            "invalid": "Enter an RFC 3339 timestamp like 2016-12-10T08:30:00+00:00.",
            "overflow": "This moment is out of range once moved to UTC.",
        },
        **kwargs,
    )


class SpanRecordSerializer(SpanFieldsSerializer):
    """One span as our JSONL export writes it (one object per line; `csv` has the same columns) and as the
    import reads it back. Read-only fields are exported and ignored on import. The import finds the article
    by `article_checksum`, else `article_url`, and the span by `paragraph_position` with `start`/`end`, else
    by `article_start`/`article_end`, checked by `quote` and, when the text moved, by `prefix`/`suffix`."""

    id = serializers.IntegerField(read_only=True)
    article = serializers.IntegerField(read_only=True)
    article_title = serializers.CharField(read_only=True)
    article_url = _nullable_text()
    article_checksum = _nullable_text()
    publisher = serializers.CharField(read_only=True, help_text="Publisher slug.")
    original_source = serializers.CharField(
        read_only=True, allow_null=True, help_text="Original source slug."
    )
    paragraph = serializers.IntegerField(read_only=True)
    paragraph_position = _nullable_int()
    start = _nullable_int(help_text=START_HELP)
    end = _nullable_int(help_text=END_HELP)
    quote = StrictCharField(
        trim_whitespace=False, help_text="The span's text; re-anchors the span when moved."
    )
    reviewer = _nullable_text(help_text="Username.")
    created_at = _timestamp()
    updated_at = _timestamp()
    article_start = _nullable_int(
        help_text='Code points into the article text: its paragraphs joined with "\\n\\n".'
    )
    article_end = _nullable_int()
    prefix = _nullable_text(help_text="Up to 32 characters of the paragraph before the quote.")
    suffix = _nullable_text(help_text="Up to 32 characters of the paragraph after the quote.")

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("article_checksum") and not attrs.get("article_url"):
            raise serializers.ValidationError(
                "give 'article_checksum' or 'article_url' to say which article the span is in."
            )
        return attrs


def problem(errors: Mapping, names: Mapping[str, str] | None = None) -> str:
    """Return a serializer's errors as one line of an import report; `names` renames fields as the file has
    them."""
    names = names or {}
    parts = []
    for field, messages in errors.items():
        text = " ".join(str(m) for m in messages)
        parts.append(text if field == "non_field_errors" else f"{names.get(field, field)}: {text}")
    return " ".join(parts)


def span_record(data: object, line: int, names: Mapping[str, str] | None = None) -> SpanRecord | RecordError:
    """Return the span record of one parsed object, or the error to report for its line."""
    if not isinstance(data, dict):
        return RecordError(line, f"expected a JSON object, got {type(data).__name__}.")
    checked = SpanRecordSerializer(data=data)
    if not checked.is_valid():
        return RecordError(line, problem(checked.errors, names))
    values = {key: value for key, value in checked.validated_data.items() if value is not None}
    for key in ("article_checksum", "article_url", "reviewer"):
        values[key] = values.get(key) or None  # an empty string names nothing
    return SpanRecord(line=line, **values)


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


def timestamp(value: datetime | str) -> str:
    """Return a row's timestamp in RFC 3339; naive datetimes are UTC (as SQLite hands them over)."""
    if isinstance(value, str):
        return value
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
