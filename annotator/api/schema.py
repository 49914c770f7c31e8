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
    restored = serializers.IntegerField(required=False)
    written = serializers.BooleanField(required=False)
    problems = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="{line, message} per record that failed."
    )
    not_restored = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="{line, message} per span deleted since."
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
    restore_deleted = _messages()
    default_reviewer = _messages()
    non_field_errors = _messages()
    detail = serializers.CharField(required=False)


class LabelStudioValueSerializer(serializers.Serializer):
    start = serializers.IntegerField(
        help_text="Code points into data.text (UTF-16 code units with offsets=utf16)."
    )
    end = serializers.IntegerField()
    text = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField(), help_text="The label slug.")


class LabelStudioRegionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The span id.")
    from_name = serializers.CharField(help_text='"label"')
    to_name = serializers.CharField(help_text='"text"')
    source = serializers.CharField(help_text='"$text"')
    type = serializers.CharField(help_text='"labels"')
    value = LabelStudioValueSerializer()


class LabelStudioAnnotationSerializer(serializers.Serializer):
    result = LabelStudioRegionSerializer(many=True)


class LabelStudioPredictionSerializer(serializers.Serializer):
    model_version = serializers.CharField(help_text="provenance:<reviewer>")
    result = LabelStudioRegionSerializer(many=True)


class LabelStudioDataSerializer(serializers.Serializer):
    text = serializers.CharField(help_text='The article text: paragraphs joined with "\\n\\n".')
    article = serializers.IntegerField(help_text="Article id.")
    title = serializers.CharField()
    reviewers = serializers.ListField(
        child=serializers.CharField(), help_text="The reviewer of each annotation (or prediction), in order."
    )


class LabelStudioTaskSerializer(serializers.Serializer):
    data = LabelStudioDataSerializer()
    annotations = LabelStudioAnnotationSerializer(
        many=True, required=False, help_text="One per reviewer; no id (Label Studio gives its own)."
    )
    predictions = LabelStudioPredictionSerializer(many=True, required=False, help_text="With as=predictions.")


EXPORT_DESCRIPTION = "\n".join(
    [
        "Every live labelled span matching the filters, streamed. Formats (`format=`):",
        "",
        *(f"- `{f.name}` ({f.media_type}): {f.description}" for f in FORMATS.values()),
        "",
        "Offsets count code points (Python string indices) unless said otherwise. Article-level offsets "
        "(`article_start`/`article_end`, W3C TextPositionSelector, doccano, Label Studio, CoNLL) index the "
        'article text: its paragraphs in order joined with "\\n\\n".',
        "",
        "**Label Studio** (1.23): create a project with the labelling config "
        '`<View><Labels name="label" toName="text"><Label value="<slug>"/>...</Labels>'
        '<Text name="text" value="$text"/></View>` and import the file (API or import dialog). Offsets are '
        "code points, as Label Studio 1.23 stores and draws them (`offsets=utf16` for older versions); tasks "
        "and annotations carry no id, the annotations go to the importing user, `data.reviewers` names the "
        "reviewer of each; `as=predictions` imports them as pre-annotations.",
        "",
        "**doccano** (1.8): a Sequence Labeling project with *Allow overlapping spans* on (without it "
        "doccano silently keeps one of two overlapping spans: export with `overlap=refuse` to get a 400 "
        "naming them instead) and *Count grapheme clusters as one character* on, which draws the code-point "
        "offsets on the right characters. For a project without grapheme counting, export with "
        "`offsets=utf16` (its page reads JavaScript indices: spans after an emoji would be drawn shifted).",
        "",
        "**CoNLL**: `-DOCSTART-<TAB>article=<id><TAB>levels=<N>`, then one "
        "`token<TAB>start<TAB>end<TAB>tag...` line per token with N IOB2 tag columns, one per nesting level "
        "(a nested span is a level deeper than the span holding it), a blank line after each paragraph; "
        "every paragraph of an article with spans is written. Tokens are `\\w+(?:[-'’]\\w+)*` or any single "
        "other non-space character, cut where a span starts or ends inside one, so offsets are exact. "
        "`levels=1` asks for a single column and refuses (400) nested or overlapping spans by name.",
        "",
        "**CSV**: a text cell starting with =, +, -, @, tab or carriage return gets a leading single quote "
        "(OWASP CSV injection guidance); `formulas=raw` for programs.",
        "",
        "doccano, CoNLL have no place for the reviewer: add `reviewer=` to export one analyst's layer rather "
        "than everyone's spans merged. An option given to a format that does not take it is a 400.",
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
    (200, "application/ld+json"): OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="w3c-collection: one AnnotationCollection; its `first` AnnotationPage holds every "
        "annotation (as in `w3c`, without their own @context).",
    ),
    (200, "text/plain"): OpenApiResponse(
        OpenApiTypes.STR, description="conll: token<TAB>start<TAB>end<TAB>tag per level lines."
    ),
    (200, "application/zip"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="brat: a zip archive of `.txt`/`.ann` pairs and an `annotation.conf`.",
    ),
}
