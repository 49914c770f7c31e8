"""API serializers. They check the shape of input; `annotator.spans` and the importer check its meaning.

Each class name is unique: drf-spectacular names schema components after them.
"""

from __future__ import annotations

from collections.abc import Mapping

from rest_framework import serializers

from annotator.formats import units
from annotator.formats.span_records import SpanFieldsSerializer, SpanTextsSerializer
from annotator.models import Annotation, Label
from articles.importers import json_document
from articles.importers.article_record import TAG_KINDS, ImportFailed
from articles.models import Article, Paragraph, Source, Tag


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["slug", "name", "colour", "shortcut", "description", "order"]


class SourceSerializer(serializers.ModelSerializer):
    # Plain text, not a slug pattern: the importer makes Unicode slugs ("allow_unicode").
    slug = serializers.CharField(read_only=True)

    class Meta:
        model = Source
        fields = ["slug", "name"]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["kind", "name"]


class ParagraphSerializer(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "position", "text"]


class ArticleSerializer(serializers.ModelSerializer):
    publisher = SourceSerializer()
    original_source = SourceSerializer(allow_null=True)
    tags = TagSerializer(many=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "byline",
            "publisher",
            "original_source",
            "published_on",
            "original_published_on",
            "url",
            "language",
            "tags",
            "imported_at",
        ]


class ArticleDetailSerializer(ArticleSerializer):
    paragraphs = ParagraphSerializer(
        many=True,
        help_text='In order. Article-level offsets count code points in the paragraphs joined with "\\n\\n".',
    )

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "paragraphs"]


class ArticleTagInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TAG_KINDS)
    name = serializers.CharField()


class ArticleCreateSerializer(serializers.Serializer):
    """One article as the JSON Lines importer reads it; the importer's rules apply."""

    title = serializers.CharField()
    paragraphs = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="The paragraphs, in order (or give `text`)."
    )
    text = serializers.CharField(required=False, help_text="The text, paragraphs separated by blank lines.")
    byline = serializers.CharField(required=False, allow_blank=True)
    publisher = serializers.CharField(required=False, help_text="Outlet name; created when new.")
    original_source = serializers.CharField(required=False, help_text="Name of the outlet copied from.")
    published_on = serializers.DateField(required=False)
    original_published_on = serializers.DateField(required=False)
    url = serializers.URLField(required=False)
    language = serializers.CharField(required=False)
    tags = ArticleTagInputSerializer(many=True, required=False)


class AnnotationSerializer(serializers.ModelSerializer):
    label = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "article",
            "paragraph",
            "start",
            "end",
            "quote",
            "label",
            "reviewer",
            "note",
            "attributed_to",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RefuseUnknownFields:
    """Refuse body fields (or query parameters) the serializer does not take, naming them: a misspelt `lable`
    or `attributedTo` would otherwise be dropped without a word and the client would believe it was stored."""

    refused_by_name: tuple[str, ...] = ()  # fields a subclass refuses with its own message
    unknown_name = "field"

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            accepted = ", ".join(sorted(self.fields)) or "none"
            unknown = {
                key: [f"Unknown {self.unknown_name} {key!r}. Accepted: {accepted}."]
                for key in data
                if key not in self.fields and key not in self.refused_by_name
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class AnnotationCreateSerializer(RefuseUnknownFields, SpanFieldsSerializer):
    """A span to tag: the span record's fields, in a paragraph named by id."""

    paragraph = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.filter(article__deleted_at__isnull=True),
        pk_field=serializers.IntegerField(),
        error_messages={"does_not_exist": "Unknown paragraph {pk_value}."},
    )

    def to_representation(self, instance: Annotation) -> dict:
        return AnnotationSerializer(instance, context=self.context).data


FIXED_ON_UPDATE = ("paragraph", "start", "end", "quote")
FIXED_MESSAGE = "A span's {field} cannot change: delete the span and tag the words again."


class AnnotationUpdateSerializer(RefuseUnknownFields, SpanTextsSerializer):
    """Label, note and attribution. The anchor fields are refused by name rather than ignored, so a client
    that tries to move a span learns that it did not move."""

    refused_by_name = FIXED_ON_UPDATE

    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; a stale one is refused with 409."
    )

    def validate(self, attrs: dict) -> dict:
        # A partial update still names the version it read.
        if "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [self.fields["version"].error_messages["required"]]}
            )
        return attrs

    def to_representation(self, instance: Annotation) -> dict:
        return AnnotationSerializer(instance, context=self.context).data

    def to_internal_value(self, data):
        fixed = {}
        if isinstance(data, Mapping):
            fixed = {name: [FIXED_MESSAGE.format(field=name)] for name in FIXED_ON_UPDATE if name in data}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if fixed and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **fixed}) from None
            raise
        if fixed:
            raise serializers.ValidationError(fixed)
        return value


class QuerySerializer(RefuseUnknownFields, serializers.Serializer):
    """The query parameters of a request (`ApiView.query_serializer_class`); any other is a 400 naming it.
    Without fields of its own: a request that takes no query parameters."""

    unknown_name = "query parameter"


class JudgedByValidate:
    """A query parameter documented with its type (and choices) but taken as given: the serializer's
    `validate()` judges it, because whether and how it applies depends on another parameter (an option of
    some formats only, paging of one format)."""

    def to_internal_value(self, data):
        return data


class JudgedChoiceField(JudgedByValidate, serializers.ChoiceField):
    pass


class JudgedIntegerField(JudgedByValidate, serializers.IntegerField):
    pass


class ArticleCreateQuerySerializer(QuerySerializer):
    """The query of an article create: how to read the body."""

    field = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        help_text="`OURS=THEIRS`, repeatable: read our field (title, paragraphs, byline, publisher, "
        "published_on, url, language) from the document's key, e.g. `paragraphs=body-paragraphs`. Unmapped "
        "fields are looked up under the usual names (`body-paragraphs`, `date`, `source`...).",
    )
    shape = serializers.ChoiceField(
        choices=["jsonl", "document"],
        required=False,
        help_text="`document`: read the body as a single JSON document (implied by `field`).",
        error_messages={"invalid_choice": "Unknown shape {input!r}. Accepted: jsonl, document."},
    )

    def validate(self, attrs: dict) -> dict:
        mapping = attrs.get("field", [])
        try:
            fields = json_document.parse_mapping(mapping)
        except ImportFailed as error:
            raise serializers.ValidationError(error.errors) from None
        return {"fields": fields, "as_document": bool(mapping) or attrs.get("shape") == "document"}


class SpanDeleteQuerySerializer(QuerySerializer):
    """The query of a span delete."""

    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you read; a stale one is refused with 409. Leave out to skip the check.",
    )


class _LabelMappings(serializers.ListField):
    """`THEIRS=OURS` strings; errors as one flat list of messages, not one list per item."""

    child = serializers.CharField(allow_blank=True)

    def run_child_validation(self, data):
        try:
            values = super().run_child_validation(data)
        except serializers.ValidationError as error:
            detail = error.detail
            messages = detail.values() if isinstance(detail, dict) else [detail]
            raise serializers.ValidationError([str(m) for found in messages for m in found]) from None
        return [value for value in values if value.strip()]


class ImportUploadSerializer(RefuseUnknownFields, serializers.Serializer):
    """A file of spans to import and how to read it; a field not listed here is a 400 naming it."""

    file = serializers.FileField(
        help_text="Our JSONL export, a W3C Web Annotation file (JSON or JSON lines), a doccano JSONL file, a "
        "Label Studio JSON export, a CoNLL/IOB file, a brat `.ann` file (with `text_file`), or a zip of brat "
        "`.txt`/`.ann` pairs (our `format=brat` export; `.conf` files in it are ignored)."
    )
    text_file = serializers.FileField(
        required=False, help_text="brat only: the `.txt` document the `.ann` file annotates."
    )
    format = serializers.ChoiceField(
        choices=["jsonl", "w3c", "doccano", "label-studio", "brat", "conll"],
        required=False,
        help_text="Detected from the file name and content when left out.",
    )
    labels = _LabelMappings(
        required=False,
        default=list,
        help_text="Peer formats: read the file's label THEIRS as our label OURS, written `THEIRS=OURS` (e.g. "
        "`claim=attributed_claim`); repeat the field for more. Labels match our slugs or names without case; "
        "an unknown label refuses the file, naming the known ones.",
    )
    offsets = serializers.ChoiceField(
        choices=list(units.ACCEPTED_ON_IMPORT),
        default=units.CODE_POINTS,
        help_text="Unit of doccano offsets (`utf16` for a doccano project that does not count grapheme "
        "clusters), and of Label Studio results without `text`. Label Studio results with `text` are read "
        "in whichever unit holds their text.",
    )
    partial = serializers.BooleanField(
        default=False, help_text="Keep the spans that anchor even when others fail (default: all or nothing)."
    )
    dry_run = serializers.BooleanField(default=False, help_text="Check everything, write nothing.")
    restore_deleted = serializers.BooleanField(
        default=False,
        help_text="Bring back spans deleted since the export (default: leave them deleted and list them in "
        "`not_restored`).",
    )
    default_reviewer = serializers.CharField(
        required=False,
        help_text="Username for spans whose reviewer is missing or unknown here. Peer formats: you, "
        "when left out (doccano, brat and CoNLL name no reviewer).",
    )


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    reanchored = serializers.IntegerField(help_text="Of the created spans, those found by quote and context.")
    existing = serializers.IntegerField(help_text="Spans already present, left unchanged.")
    restored = serializers.IntegerField(
        help_text="Of the created spans, those deleted since the export and brought back (`restore_deleted`)."
    )
    written = serializers.BooleanField()
    problems = ImportProblemSerializer(many=True)
    not_restored = ImportProblemSerializer(
        many=True,
        help_text='Spans deleted since the export, left deleted ("deleted since the export, not restored"); '
        "they do not stop the import.",
    )
    articles_created = serializers.IntegerField(
        required=False, help_text="Peer formats: articles made from the file's texts (none matched)."
    )
    not_imported = ImportProblemSerializer(
        many=True,
        required=False,
        help_text="Peer formats: what the file holds that has no equivalent here (relations, events, "
        "attributes, discontinuous spans, predictions), each with its line (task number for Label Studio).",
    )
