"""OpenAPI documentation pieces: error bodies and the shapes of the export formats.

The JSONL line is documented by `SpanRecordSerializer`, the schema that also checks what the import reads;
the other shapes here only document."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from annotator.formats import FORMATS
from annotator.formats.span_records import SpanRecordSerializer


def _messages() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False)


def field_errors(name: str, fields: list[str]) -> type[serializers.Serializer]:
    """Return a serializer class documenting a 400 body: one list of messages per named field."""
    declared = {field: _messages() for field in [*fields, "non_field_errors"]}
    declared["detail"] = serializers.CharField(
        required=False, help_text="A request-wide problem, e.g. bad JSON."
    )
    return type(name, (serializers.Serializer,), declared)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The span's current version.")


class ArticleConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    id = serializers.IntegerField(help_text="The article already stored with this text.")


class ImportFailureSerializer(serializers.Serializer):
    """A refused import: the report (nothing written), or field errors for a bad upload."""

    created = serializers.IntegerField(required=False)
    reanchored = serializers.IntegerField(required=False)
    existing = serializers.IntegerField(required=False)
    written = serializers.BooleanField(required=False)
    problems = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="{line, message} per record that failed."
    )
    not_imported = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Peer formats: {line, message} per item kept out.",
    )
    file = _messages()
    text_file = _messages()
    format = _messages()
    labels = _messages()
    offsets = _messages()
    partial = _messages()
    dry_run = _messages()
    default_reviewer = _messages()
    non_field_errors = _messages()
    detail = serializers.CharField(required=False)


class LabelStudioValueSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="UTF-16 code units into data.text.")
    end = serializers.IntegerField()
    text = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())


class LabelStudioRegionSerializer(serializers.Serializer):
    id = serializers.CharField()
    from_name = serializers.CharField()
    to_name = serializers.CharField()
    source = serializers.CharField()
    type = serializers.CharField()
    value = LabelStudioValueSerializer()


class LabelStudioAnnotationSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="<article id>:<reviewer>")
    result = LabelStudioRegionSerializer(many=True)


class LabelStudioDataSerializer(serializers.Serializer):
    text = serializers.CharField(help_text='The article text: paragraphs joined with "\\n\\n".')


class LabelStudioTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Article id.")
    data = LabelStudioDataSerializer()
    annotations = LabelStudioAnnotationSerializer(many=True)


EXPORT_DESCRIPTION = "\n".join(
    [
        "Every live labelled span matching the filters, streamed. Formats (`format=`):",
        "",
        *(f"- `{f.name}` ({f.media_type}): {f.description}" for f in FORMATS.values()),
        "",
        "Offsets count code points (Python string indices) unless said otherwise. Article-level offsets "
        "(`article_start`/`article_end`, W3C TextPositionSelector, doccano) index the article text: its "
        'paragraphs in order joined with "\\n\\n". Label Studio counts UTF-16 code units (JavaScript). '
        "CoNLL tokens are `\\w+(?:[-'’]\\w+)*` or any single other non-space character; tags are BIO, and "
        "where spans overlap the earlier (then longer) one keeps the shared tokens. doccano and CoNLL have "
        "no place for the reviewer: add `reviewer=` to export one analyst's layer rather than everyone's "
        "spans merged.",
    ]
)

EXPORT_RESPONSES = {
    (200, "application/x-ndjson"): OpenApiResponse(
        SpanRecordSerializer,
        description="jsonl: one object per line like this (the import reads it back); w3c and doccano: "
        "one JSON-LD annotation or one doccano record per line.",
    ),
    (200, "text/csv"): OpenApiResponse(
        OpenApiTypes.STR, description="csv: header row, then one row per span."
    ),
    (200, "application/json"): OpenApiResponse(
        LabelStudioTaskSerializer(many=True), description="label-studio: a JSON array of tasks."
    ),
    (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="conll: token<TAB>tag lines."),
}
