"""API serializers. They check the shape of input; `annotator.spans` and the importer check its meaning.

Each class name is unique: drf-spectacular names schema components after them.
"""

from __future__ import annotations

from collections.abc import Mapping

from rest_framework import serializers

from annotator.models import ATTRIBUTION_MAX_LENGTH, NOTE_MAX_LENGTH, Annotation, Label
from articles.importers.records import TAG_KINDS
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


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings: DRF's own turns 5 into "5", which would store a number the
    client never meant as text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _text(**kwargs) -> StrictCharField:
    # No max_length: the limits are span rules, stated by `annotator.spans` with one message everywhere.
    return StrictCharField(required=False, allow_blank=True, trim_whitespace=False, **kwargs)


class RefuseUnknownFields:
    """Refuse body fields the serializer does not take, naming them: a misspelt `lable` or `attributedTo`
    would otherwise be dropped without a word and the client would believe it was stored."""

    refused_by_name: tuple[str, ...] = ()  # fields a subclass refuses with its own message

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            accepted = ", ".join(sorted(self.fields))
            unknown = {
                key: [f"Unknown field {key!r}. Accepted: {accepted}."]
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


class AnnotationCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    paragraph = serializers.PrimaryKeyRelatedField(
        queryset=Paragraph.objects.filter(article__deleted_at__isnull=True),
        pk_field=serializers.IntegerField(),
        error_messages={"does_not_exist": "Unknown paragraph {pk_value}."},
    )
    start = serializers.IntegerField(
        help_text="Code-point offset into the paragraph's text. Offsets that take in white space at either "
        "edge are trimmed to the words inside them (the stored span and its quote start at the first word); "
        "offsets that cover only white space are refused."
    )
    end = serializers.IntegerField(
        help_text="Code-point offset, exclusive; trimmed like `start` when it follows white space."
    )
    label = StrictCharField(max_length=50, help_text="Label slug, see /api/v1/labels/.")
    quote = StrictCharField(
        required=False,
        trim_whitespace=False,
        help_text="When given, must equal the text between start and end as sent, before trimming.",
    )
    note = _text(help_text=f"Up to {NOTE_MAX_LENGTH} characters once trimmed.")
    attributed_to = _text(
        help_text=f"Who the claim is attributed to; up to {ATTRIBUTION_MAX_LENGTH} characters once trimmed."
    )


FIXED_ON_UPDATE = ("paragraph", "start", "end", "quote")
FIXED_MESSAGE = "A span's {field} cannot change: delete the span and tag the words again."


class AnnotationUpdateSerializer(RefuseUnknownFields, serializers.Serializer):
    """Label, note and attribution. The anchor fields are refused by name rather than ignored, so a client
    that tries to move a span learns that it did not move."""

    refused_by_name = FIXED_ON_UPDATE

    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; a stale one is refused with 409."
    )
    label = StrictCharField(max_length=50, help_text="Label slug.")
    note = _text(help_text=f"Up to {NOTE_MAX_LENGTH} characters once trimmed.")
    attributed_to = _text(help_text=f"Up to {ATTRIBUTION_MAX_LENGTH} characters once trimmed.")

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


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="Our JSONL export or a W3C Web Annotation file (JSON or JSON lines)."
    )
    format = serializers.ChoiceField(
        choices=["jsonl", "w3c"], required=False, help_text="Detected from the content when left out."
    )
    partial = serializers.BooleanField(
        default=False, help_text="Keep the spans that anchor even when others fail (default: all or nothing)."
    )
    dry_run = serializers.BooleanField(default=False, help_text="Check everything, write nothing.")
    default_reviewer = serializers.CharField(
        required=False, help_text="Username for spans whose reviewer is missing or unknown here."
    )


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    reanchored = serializers.IntegerField(help_text="Of the created spans, those found by quote and context.")
    existing = serializers.IntegerField(help_text="Spans already present, left unchanged.")
    written = serializers.BooleanField()
    problems = ImportProblemSerializer(many=True)
