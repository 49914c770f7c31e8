"""Read-only API for source criticism: reuse links (per article, per pair) and boilerplate suggestions."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from annotator import suggestions
from annotator.api import schema
from annotator.api.base import ApiViewSet
from annotator.api.filters import ArticleIdFilter, unknown_value_messages
from annotator.api.views import READ_ERRORS
from articles.models import Article, BoilerplateSuggestion, ReuseLink


class ReuseLinkSerializer(serializers.ModelSerializer):
    earlier_text = serializers.CharField(
        read_only=True, help_text="The reused text as the earlier article has it."
    )
    later_text = serializers.CharField(read_only=True, help_text="The same text as the later article has it.")

    class Meta:
        model = ReuseLink
        fields = [
            "id",
            "kind",
            "similarity",
            "earlier_article",
            "earlier_start_paragraph",
            "earlier_start",
            "earlier_end_paragraph",
            "earlier_end",
            "earlier_article_start",
            "earlier_article_end",
            "earlier_text",
            "later_article",
            "later_start_paragraph",
            "later_start",
            "later_end_paragraph",
            "later_end",
            "later_article_start",
            "later_article_end",
            "later_text",
            "created_at",
        ]
        extra_kwargs = {
            "earlier_start": {"help_text": "Code-point offset into the earlier start paragraph's text."},
            "earlier_end": {"help_text": "Code-point end offset into the earlier end paragraph's text."},
            "earlier_article_start": {
                "help_text": "Offset into the earlier paragraphs joined by a blank line."
            },
            "later_start": {"help_text": "Code-point offset into the later start paragraph's text."},
            "later_end": {"help_text": "Code-point end offset into the later end paragraph's text."},
            "later_article_start": {"help_text": "Offset into the later paragraphs joined by a blank line."},
        }


class ReuseLinkFilter(django_filters.FilterSet):
    article = ArticleIdFilter(
        queryset=Article.objects.visible(),
        method="involving",
        error_messages=unknown_value_messages("article"),
        help_text="Only links with this article on either side.",
    )
    other = ArticleIdFilter(
        queryset=Article.objects.visible(),
        method="involving",
        error_messages=unknown_value_messages("article"),
        help_text="With `article`: only the links between the two articles (a pair).",
    )

    class Meta:
        model = ReuseLink
        fields = ["article", "other", "kind"]

    def involving(self, queryset, name, value):
        return queryset.involving(value.pk)


ReuseLinkFilterError = schema.field_errors("ReuseLinkFilterErrorSerializer", ["article", "other", "kind"])
SuggestionFilterError = schema.field_errors("BoilerplateSuggestionFilterErrorSerializer", ["article"])
LINK_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Reuse link id.")
SUGGESTION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Suggestion id.")


@extend_schema_view(
    list=extend_schema(
        summary="List reuse links",
        responses={200: ReuseLinkSerializer(many=True), 400: ReuseLinkFilterError, **READ_ERRORS},
        tags=["reuse"],
    ),
    retrieve=extend_schema(
        summary="One reuse link",
        parameters=[LINK_ID],
        responses={200: ReuseLinkSerializer, **READ_ERRORS},
        tags=["reuse"],
    ),
)
class ReuseLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A passage reused between two articles: both sides' range, which may run across paragraphs.

    `earlier_*` is the older article (by publication date, then import order); links to deleted articles
    are left out.
    """

    serializer_class = ReuseLinkSerializer
    filterset_class = ReuseLinkFilter

    def get_queryset(self):
        return (
            ReuseLink.objects.visible()
            .select_related(
                "earlier_start_paragraph",
                "earlier_end_paragraph",
                "later_start_paragraph",
                "later_end_paragraph",
            )
            .order_by("later_article_id", "later_article_start", "id")
        )


class BoilerplateSuggestionSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="The suggested text.")

    class Meta:
        model = BoilerplateSuggestion
        fields = ["id", "article", "paragraph", "start", "end", "text", "occurrences"]


class BoilerplateSuggestionFilter(django_filters.FilterSet):
    article = django_filters.ModelChoiceFilter(
        queryset=Article.objects.visible(),
        error_messages=unknown_value_messages("article"),
        help_text="Article id.",
    )

    class Meta:
        model = BoilerplateSuggestion
        fields = ["article"]


@extend_schema_view(
    list=extend_schema(
        summary="List my open boilerplate suggestions",
        responses={
            200: BoilerplateSuggestionSerializer(many=True),
            400: SuggestionFilterError,
            **READ_ERRORS,
        },
        tags=["reuse"],
    ),
    retrieve=extend_schema(
        summary="One boilerplate suggestion",
        parameters=[SUGGESTION_ID],
        responses={200: BoilerplateSuggestionSerializer, **READ_ERRORS},
        tags=["reuse"],
    ),
)
class BoilerplateSuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Boilerplate suggestions still open for the requesting analyst: not dismissed, not yet tagged.

    Suggestions are not spans; accepting one creates the analyst's own boilerplate span.
    """

    serializer_class = BoilerplateSuggestionSerializer
    filterset_class = BoilerplateSuggestionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return BoilerplateSuggestion.objects.none()
        return suggestions.open_for(self.request.user)
