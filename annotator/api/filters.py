"""Query filters for the list and export endpoints. Unknown values are a 400 that names the value."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.utils import extend_schema_field

from annotator.models import Annotation, Label, Project, ProjectArticle
from articles.models import Article, Paragraph, Source, Tag


class ArticleIdFilter(django_filters.ModelChoiceFilter):
    """An article named by its id. With a `method`, the schema generator cannot tell the id's type and warns
    (in `check --deploy` too), so the type is stated here, with the help text it then no longer reads."""

    def __init__(self, *args, help_text: str, **kwargs) -> None:
        super().__init__(*args, help_text=help_text, **kwargs)
        extend_schema_field({"type": "integer", "description": help_text})(self)


DATETIME_HELP = "ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z."


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, converted to UTC here: a moment that UTC cannot hold (0001-01-01T00:00+01:00)
    would otherwise overflow inside the database adapter."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(
                "%(value)s is out of range once moved to UTC.", code="overflow", params={"value": value}
            ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class KnownValueField(forms.CharField):
    """A text value that must exist in one column of a queryset."""

    def __init__(self, *, queryset: QuerySet, column: str, noun: str, list_choices: bool = False, **kwargs):
        self.queryset, self.column, self.noun, self.list_choices = queryset, column, noun, list_choices
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not self.queryset.filter(**{self.column: value}).exists():
            # Values go in params: the message is %-formatted later, and a value may contain "%".
            message, params = "Unknown %(noun)s '%(value)s'.", {"noun": self.noun, "value": value}
            if self.list_choices:
                message += " Choose one of: %(choices)s."
                params["choices"] = ", ".join(self.queryset.values_list(self.column, flat=True).distinct())
            raise forms.ValidationError(message, code="unknown", params=params)
        return value


class KnownValueFilter(django_filters.CharFilter):
    field_class = KnownValueField


def unknown_value_messages(noun: str) -> dict:
    return {"invalid_choice": f"Unknown {noun} %(value)s.", "invalid_pk_value": f"Unknown {noun} %(pk)s."}


def article_filters(outer: str) -> type[django_filters.FilterSet]:
    """Return filters on an article's publisher, source, tag and date; `outer` is the path to the article."""
    prefix = "" if outer == "pk" else outer.removesuffix("_id") + "__"

    class ArticleFields(django_filters.FilterSet):
        publisher = KnownValueFilter(
            field_name=f"{prefix}publisher__slug",
            queryset=Source.objects.all(),
            column="slug",
            noun="publisher",
            help_text="Publisher's slug.",
        )
        original_source = KnownValueFilter(
            field_name=f"{prefix}original_source__slug",
            queryset=Source.objects.all(),
            column="slug",
            noun="original source",
            help_text="Slug of the outlet the article was copied from.",
        )
        tag = KnownValueFilter(
            method="filter_tag",
            queryset=Tag.objects.all(),
            column="name",
            noun="tag",
            help_text="A tag's name (region, theme or in-depth report), as printed.",
        )
        published_after = django_filters.DateFilter(
            field_name=f"{prefix}published_on",
            lookup_expr="gte",
            help_text="On or after this date (YYYY-MM-DD).",
            error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
        )
        published_before = django_filters.DateFilter(
            field_name=f"{prefix}published_on",
            lookup_expr="lte",
            help_text="On or before this date (YYYY-MM-DD).",
            error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
        )

        def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
            tagged = Article.tags.through.objects.filter(article_id=OuterRef(outer), tag__name=value)
            return queryset.filter(Exists(tagged))

    return ArticleFields


class ArticleFilter(article_filters("pk")):
    q = django_filters.CharFilter(method="search", help_text="Words in the title, byline or text.")

    class Meta:
        model = Article
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)


class AnnotationFilter(django_filters.FilterSet):
    article = django_filters.ModelChoiceFilter(
        queryset=Article.objects.visible(),
        error_messages=unknown_value_messages("article"),
        help_text="Article id.",
    )
    paragraph = django_filters.ModelChoiceFilter(
        queryset=Paragraph.objects.all(),
        error_messages=unknown_value_messages("paragraph"),
        help_text="Paragraph id.",
    )
    label = KnownValueFilter(
        field_name="label__slug",
        queryset=Label.objects.all(),
        column="slug",
        noun="label",
        list_choices=True,
        help_text="Label slug.",
    )
    reviewer = KnownValueFilter(
        field_name="reviewer__username",
        queryset=get_user_model().objects.all(),
        column="username",
        noun="reviewer",
        help_text="Reviewer's username.",
    )
    layer = django_filters.ChoiceFilter(
        method="filter_layer",
        choices=[("gold", "gold"), ("analysts", "analysts")],
        help_text="`gold`: only the gold layers settled by curators (with `project`, that project's); "
        "`analysts`: every layer but the gold ones.",
        error_messages={"invalid_choice": "Unknown layer %(value)s. Choose one of: gold, analysts."},
    )
    project = KnownValueFilter(
        method="filter_project",
        queryset=Project.objects.all(),
        column="slug",
        noun="project",
        help_text="A project's slug: only spans on its articles.",
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=f"Changed at or after this moment: {DATETIME_HELP}",
        error_messages={"invalid": f"Enter a date and time: {DATETIME_HELP}"},
    )

    class Meta:
        model = Annotation
        fields: list[str] = []

    def filter_layer(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "analysts":
            return queryset.not_gold()
        slug = self.form.cleaned_data.get("project")
        if slug:
            return queryset.filter(reviewer__gold_project__slug=slug)
        return queryset.gold()

    def filter_project(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        entries = ProjectArticle.objects.filter(project__slug=value, article_id=OuterRef("article_id"))
        return queryset.filter(Exists(entries))


class ExportFilter(AnnotationFilter, article_filters("article_id")):
    class Meta:
        model = Annotation
        fields: list[str] = []
