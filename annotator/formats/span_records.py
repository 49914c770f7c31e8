"""The declared shape of a span record, shared by API bodies and import files, and the reading of JSON lines.

`SpanFieldsSerializer` declares the fields every span input carries (offsets, quote, label, note, attribution)
with their types. The API's create body adds the paragraph (its update body takes `SpanTextsSerializer`);
`SpanRecordSerializer`, one line of our JSONL export and what the W3C reader maps an annotation to, has the
same fields and where the span sits in its article, in the export's order. They check types only:
`annotator.spans` judges offsets, quote, white space and lengths, with one message per rule.
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


def _label() -> StrictCharField:
    return StrictCharField(max_length=50, help_text="Label slug, see /api/v1/labels/.")


def _note() -> StrictCharField:
    return optional_text(help_text=f"Up to {NOTE_MAX_LENGTH} characters once edge white space is dropped.")


def _attributed_to() -> StrictCharField:
    return optional_text(
        help_text=f"Who the claim is attributed to; up to {ATTRIBUTION_MAX_LENGTH} characters once edge "
        "white space is dropped."
    )


class SpanTextsSerializer(serializers.Serializer):
    """What every span input says about a span's words: its label, note and attribution."""

    label = _label()
    note = _note()
    attributed_to = _attributed_to()


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


COMPUTED = None


def _read_from[F: serializers.Field](path: str | None, field: F) -> F:
    """Declare the ORM path from an annotation that the export reads `field` from, or COMPUTED for a field
    worked out from the span's paragraph (`rows.iter_rows`)."""
    field.read_from = path
    return field


class SpanRecordSerializer(serializers.Serializer):
    """One span as our JSONL export writes it (one object per line; `csv` has the same columns) and as the
    import reads it back. Read-only fields are exported and ignored on import. The import finds the article
    by `article_checksum`, else `article_url`, and the span by `paragraph_position` with `start`/`end`, else
    by `article_start`/`article_end`, checked by `quote` and, when the text moved, by `prefix`/`suffix`.

    It also declares the export (`rows.FIELDS`): its fields, in the order they are written, each with where
    the export reads it (`_read_from`). A field added here is exported; `fast_jsonl` writes it by hand. It
    takes the span fields' declarations (`_label()`...) rather than inheriting `SpanFieldsSerializer`, whose
    fields DRF would put first."""

    id = _read_from("id", serializers.IntegerField(read_only=True))
    article = _read_from("article_id", serializers.IntegerField(read_only=True))
    article_title = _read_from("article__title", serializers.CharField(read_only=True))
    article_url = _read_from("article__url", _nullable_text())
    article_checksum = _read_from("article__checksum", _nullable_text())
    publisher = _read_from(
        "article__publisher__slug", serializers.CharField(read_only=True, help_text="Publisher slug.")
    )
    original_source = _read_from(
        "article__original_source__slug",
        serializers.CharField(read_only=True, allow_null=True, help_text="Original source slug."),
    )
    paragraph = _read_from("paragraph_id", serializers.IntegerField(read_only=True))
    paragraph_position = _read_from("paragraph__position", _nullable_int())
    start = _read_from("start", _nullable_int(help_text=START_HELP))
    end = _read_from("end", _nullable_int(help_text=END_HELP))
    article_start = _read_from(
        COMPUTED,
        _nullable_int(help_text='Code points into the article text: its paragraphs joined with "\\n\\n".'),
    )
    article_end = _read_from(COMPUTED, _nullable_int())
    quote = _read_from(
        "quote",
        StrictCharField(trim_whitespace=False, help_text="The span's text; re-anchors the span when moved."),
    )
    prefix = _read_from(
        COMPUTED, _nullable_text(help_text="Up to 32 characters of the paragraph before the quote.")
    )
    suffix = _read_from(
        COMPUTED, _nullable_text(help_text="Up to 32 characters of the paragraph after the quote.")
    )
    label = _read_from("label__slug", _label())
    reviewer = _read_from("reviewer__username", _nullable_text(help_text="Username."))
    note = _read_from("note", _note())
    attributed_to = _read_from("attributed_to", _attributed_to())
    created_at = _read_from("created_at", _timestamp())
    updated_at = _read_from("updated_at", _timestamp())

    @classmethod
    def export_fields(cls) -> dict[str, str | None]:
        """Return the exported fields in output order, each with the ORM path it is read from (None for the
        fields computed from the span's paragraph)."""
        undeclared = [name for name, field in cls._declared_fields.items() if not hasattr(field, "read_from")]
        if undeclared:
            raise TypeError(f"Say where the export reads {', '.join(undeclared)} (_read_from).")
        return {name: field.read_from for name, field in cls._declared_fields.items()}

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
