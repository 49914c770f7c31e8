"""API viewsets: articles, labels, annotations, and the token endpoint."""

from __future__ import annotations

import json

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotator import spans
from annotator.api import schema
from annotator.api.base import ApiViewSet, domain_errors
from annotator.api.filters import AnnotationFilter, ArticleFilter
from annotator.api.permissions import CanEditSpan, StaffWrites
from annotator.api.serializers import (
    AnnotationCreateSerializer,
    AnnotationSerializer,
    AnnotationUpdateSerializer,
    ArticleCreateQuerySerializer,
    ArticleCreateSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    LabelSerializer,
    QuerySerializer,
    SpanDeleteQuerySerializer,
)
from annotator.models import Annotation, Label
from articles import importers
from articles.importers.store import checksum
from articles.models import Article, Paragraph

UNAUTHENTICATED = OpenApiResponse(schema.ErrorSerializer, description="No or bad credentials.")
FORBIDDEN = OpenApiResponse(schema.ErrorSerializer, description="Not allowed for this user.")
NOT_FOUND = OpenApiResponse(schema.ErrorSerializer, description="No such object (or page).")
READ_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}

ArticleFilterError = schema.field_errors("ArticleFilterErrorSerializer", list(ArticleFilter.base_filters))
AnnotationFilterError = schema.field_errors(
    "AnnotationFilterErrorSerializer", list(AnnotationFilter.base_filters)
)
AnnotationWriteError = schema.field_errors(
    "AnnotationWriteErrorSerializer",
    ["paragraph", "start", "end", "label", "quote", "note", "attributed_to", "version"],
)
# The importer's checks apply and its messages name the field, all under non_field_errors.
ArticleCreateError = schema.field_errors("ArticleCreateErrorSerializer", [])
LabelQueryError = schema.field_errors("LabelQueryErrorSerializer", ["format"])
ARTICLE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Article id.")
SPAN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Span (annotation) id.")
SPAN_UPDATE_RESPONSES = {
    200: AnnotationSerializer,
    400: AnnotationWriteError,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: OpenApiResponse(schema.ConflictSerializer, description="Stale version."),
}


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        responses={200: ArticleSerializer(many=True), 400: ArticleFilterError, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One article with its paragraphs in order",
        parameters=[ARTICLE_ID],
        responses={200: ArticleDetailSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Create an article from JSON (staff)",
        description="Takes one article in the shape the JSON Lines importer reads, with the same checks. "
        "With `field` (or `shape=document`) the body is any single JSON document, one article as corpora "
        "such as BASIL ship them, read through the field mapping like `import_articles --format json`.",
        request=ArticleCreateSerializer,
        responses={
            201: ArticleDetailSerializer,
            400: ArticleCreateError,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            409: OpenApiResponse(
                schema.ArticleConflictSerializer, description="This text is already stored."
            ),
        },
    ),
    destroy=extend_schema(
        summary="Soft-delete an article (staff)",
        parameters=[ARTICLE_ID],
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ApiViewSet):
    permission_classes = [IsAuthenticated, StaffWrites]
    filterset_class = ArticleFilter
    query_serializer_classes = {"create": ArticleCreateQuerySerializer}

    def get_queryset(self):
        queryset = (
            Article.objects.visible().select_related("publisher", "original_source").prefetch_related("tags")
        )
        if self.action == "retrieve":
            paragraphs = Paragraph.objects.order_by("position").only("id", "article_id", "position", "text")
            queryset = queryset.prefetch_related(Prefetch("paragraphs", queryset=paragraphs))
        return queryset

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send one article as a JSON object."]})
        as_document, fields = self.query["as_document"], self.query["fields"]
        try:
            text = json.dumps(request.data)
            [record] = importers.parse(text, format="json" if as_document else "jsonl", fields=fields)
            article = importers.save_article(record, imported_by=request.user)
        except importers.ImportFailed as error:
            messages = [message.removeprefix("line 1: ") for message in error.errors]
            raise exceptions.ValidationError({"non_field_errors": messages}) from None
        if article is None:
            stored = Article.objects.get(checksum=checksum(record))
            detail = "An article with this title and text is already stored."
            return Response({"detail": detail, "id": stored.pk}, status=status.HTTP_409_CONFLICT)
        article = self.get_queryset().prefetch_related("paragraphs").get(pk=article.pk)
        return Response(ArticleDetailSerializer(article).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Article) -> None:
        Article.objects.filter(pk=instance.pk).soft_delete()


@extend_schema_view(
    list=extend_schema(
        summary="List the labels",
        responses={200: LabelSerializer(many=True), 400: LabelQueryError, **READ_ERRORS},
    )
)
class LabelViewSet(mixins.ListModelMixin, ApiViewSet):
    queryset = Label.objects.all()
    serializer_class = LabelSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List live spans",
        responses={200: AnnotationSerializer(many=True), 400: AnnotationFilterError, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One span", parameters=[SPAN_ID], responses={200: AnnotationSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Tag a span",
        description="Offsets are code-point indices into the paragraph's text; offsets that take in white "
        "space at either edge are trimmed to the words inside them, as everywhere else. You become its "
        "reviewer.",
        request=AnnotationCreateSerializer,
        responses={201: AnnotationSerializer, 400: AnnotationWriteError, 401: UNAUTHENTICATED},
    ),
    update=extend_schema(
        summary="Change a span's label, note and attribution",
        parameters=[SPAN_ID],
        description="Only the span's reviewer or staff. Offsets never change: sending `paragraph`, `start`, "
        "`end` or `quote` is a 400 naming them; delete and tag again instead.",
        request=AnnotationUpdateSerializer,
        responses=SPAN_UPDATE_RESPONSES,
    ),
    partial_update=extend_schema(
        summary="Change some of a span's label, note and attribution",
        parameters=[SPAN_ID],
        description="As the full update: `version` is required, and `paragraph`, `start`, `end` or `quote` "
        "is a 400 naming them.",
        request=AnnotationUpdateSerializer(partial=True),
        responses=SPAN_UPDATE_RESPONSES,
    ),
    destroy=extend_schema(
        summary="Delete a span (it can be undone in the workbench)",
        parameters=[SPAN_ID],
        responses={
            204: None,
            400: AnnotationWriteError,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(schema.ConflictSerializer, description="Stale version."),
        },
    ),
)
class AnnotationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    """Spans through the one write path: `perform_*` call `annotator.spans`, whose refusals become 400, 403
    and 409 answers."""

    permission_classes = [IsAuthenticated, CanEditSpan]
    filterset_class = AnnotationFilter
    query_serializer_classes = {
        "create": QuerySerializer,
        "update": QuerySerializer,
        "partial_update": QuerySerializer,
        "destroy": SpanDeleteQuerySerializer,
    }

    def get_queryset(self):
        return (
            Annotation.objects.live()
            .visible_to(self.request.user)
            .filter(article__deleted_at__isnull=True)
            .select_related("label", "reviewer")
            .order_by("article_id", "paragraph_id", "start", "end", "id")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return AnnotationCreateSerializer
        if self.action in ("update", "partial_update"):
            return AnnotationUpdateSerializer
        return AnnotationSerializer

    def perform_create(self, serializer: AnnotationCreateSerializer) -> None:
        with domain_errors():
            serializer.instance = spans.create(reviewer=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: AnnotationUpdateSerializer) -> None:
        with domain_errors():
            serializer.instance = spans.change(
                annotation=serializer.instance, actor=self.request.user, **serializer.validated_data
            )

    def perform_destroy(self, instance: Annotation) -> None:
        if self.request.data:
            raise exceptions.ValidationError(
                {"non_field_errors": ["A delete takes no body: send the version as ?version=N."]}
            )
        with domain_errors():
            spans.delete(annotation=instance, actor=self.request.user, version=self.query.get("version"))
