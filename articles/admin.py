"""Corpus management: sources, tags, articles with their paragraphs, bulk actions and file upload.

Nothing here knows who points into the corpus: apps that do extend ArticleAdmin and ParagraphInline (the
annotator adds span counts and keeps the text of paragraphs that spans point into).
"""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles import importers
from articles.importers import article_json_lines, json_document, web
from articles.models import Article, Paragraph, Source, Tag, count_of


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "homepage", "published_count", "original_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = Article.objects.visible()
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_count=count_of(visible, "publisher"),
                original_count=count_of(visible, "original_source"),
            )
        )

    @admin.display(description="articles published", ordering="published_count")
    def published_count(self, source: Source) -> int:
        return source.published_count

    @admin.display(description="articles originated", ordering="original_count")
    def original_count(self, source: Source) -> int:
        return source.original_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        tagged = Article.tags.through.objects.filter(article__deleted_at__isnull=True)
        return super().get_queryset(request).annotate(article_count=count_of(tagged, "tag"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, tag: Tag) -> int:
        return tag.article_count


class ParagraphForm(forms.ModelForm):
    class Meta:
        model = Paragraph
        fields = ["position", "text", "links"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 90})}


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    form = ParagraphForm
    extra = 0
    ordering = ["position"]


class DeletedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return [("live", "live"), ("deleted", "deleted")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "live":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class PublisherForm(forms.Form):
    publisher = forms.ModelChoiceField(
        Source.objects.all(), help_text="The site that carried these articles."
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, as the Django forms documentation shows it."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # The importer refuses an empty file by name and goes on with the others; the form would refuse
        # the whole batch without saying which file was empty.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = [one for one in (data if isinstance(data, list | tuple) else [data]) if one]
        if not files:
            super().clean(None, initial)  # raises "This field is required."
            return []
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        required=False,
        help_text="Seed-format text, plain text, JSON Lines, JSON documents (one article per file) or saved "
        "web pages (.html); several at once.",
    )
    format = forms.ChoiceField(
        choices=[("", "detect"), *((name, name) for name in importers.FORMATS)], required=False
    )
    json_fields = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="JSON fields",
        help_text="JSON documents: which key holds each of our fields, one OURS=THEIRS a line, "
        "e.g. paragraphs=body-paragraphs, published_on=date, publisher=source. "
        "Leave empty to use the usual names.",
    )

    def clean_json_fields(self) -> dict[str, str]:
        lines = [line.strip() for line in self.cleaned_data["json_fields"].splitlines() if line.strip()]
        try:
            return json_document.parse_mapping(lines)
        except importers.ImportFailed as error:
            raise forms.ValidationError(str(error)) from None

    urls = forms.CharField(
        label="Web pages",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://example.org/news/story"}),
        help_text="Addresses of pages to fetch and import, one per line (public http and https pages only).",
    )

    def clean(self) -> dict:
        data = super().clean()
        data["urls"] = [line.strip() for line in data.get("urls", "").splitlines() if line.strip()]
        if not data.get("files") and not data["urls"] and not self.errors:
            raise forms.ValidationError("Choose files to upload or give addresses of web pages.")
        return data


def export_lines(articles: QuerySet) -> Iterator[str]:
    """Yield the articles as JSON Lines in the shape the article_json_lines importer reads back."""
    articles = articles.select_related("publisher", "original_source").prefetch_related("tags", "paragraphs")
    for article in articles.iterator(chunk_size=200):
        yield article_json_lines.dumps(importers.record_of(article)) + "\n"


SOFT_DELETED = "Soft-deleted."  # the admin log's entry for the change page's Delete
RESTORE_HINT = "the article list's “Restore the selected soft-deleted articles” action brings it back."


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "original_source", "published_on", "paragraph_count", "is_live"]
    list_filter = [DeletedFilter, "publisher", "original_source", "published_on", "tags"]
    list_select_related = ["publisher", "original_source"]
    # The search box searches as the article list and the API's `q` do: `ArticleQuerySet.search`.
    search_fields = ["title"]
    search_help_text = "Finds the articles whose title, byline, publisher or a paragraph contains the text."
    date_hierarchy = "published_on"
    autocomplete_fields = ["publisher", "original_source", "tags"]
    import_fields = [
        "imported_at", "imported_by", "checksum", "deleted_at", "canonical_url", "page_url", "raw_text"
    ]  # fmt: skip
    readonly_fields = import_fields
    fieldsets = [
        (None, {"fields": ["title", "byline", "publisher", "published_on", "url", "tags", "language"]}),
        ("Republication", {"fields": ["original_source", "original_published_on"]}),
        ("Import", {"fields": import_fields}),
    ]
    inlines = [ParagraphInline]
    actions = ["reassign_publisher", "export_jsonl", "soft_delete", "restore"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(paragraph_count=count_of(Paragraph.objects, "article"))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple:
        """Search with `ArticleQuerySet.search`, like the article list and the API; its paragraph test is a
        subquery, so no article is listed twice."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.search(term), False

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST) -> dict:
        """Articles are soft-deleted everywhere; the "Soft-delete" action replaces Django's hard delete."""
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    delete_confirmation_template = "admin/articles/article/delete_confirmation.html"

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        """The change page's Delete soft-deletes, as the action and the API do: spans and history stay."""
        # For `response_delete`'s message.
        request.article_was_live = bool(Article.objects.filter(pk=obj.pk).soft_delete())

    def log_deletions(self, request: HttpRequest, queryset) -> None:
        """Log a soft delete as the change it is (Django logs a deletion), and nothing for an article that was
        already deleted. Called before `delete_model`."""
        for article in queryset:
            if article.deleted_at is None:
                self.log_change(request, article, SOFT_DELETED)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id) -> HttpResponse:
        """Say that the article was soft-deleted (or already was), and how to restore it."""
        if IS_POPUP_VAR in request.POST:
            return super().response_delete(request, obj_display, obj_id)
        if getattr(request, "article_was_live", True):
            message, level = f"The article “{obj_display}” was soft-deleted; {RESTORE_HINT}", messages.SUCCESS
        else:
            message = f"The article “{obj_display}” was already soft-deleted: nothing changed; {RESTORE_HINT}"
            level = messages.WARNING
        self.message_user(request, message, level)
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
        changelist = reverse(name, current_app=self.admin_site.name)
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, changelist))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Soft too, should a bulk delete ever be offered again."""
        queryset.soft_delete()

    def get_deleted_objects(self, objs, request: HttpRequest) -> tuple[list, dict, set, list]:
        """Deleting is a soft delete of the articles alone: paragraphs and whatever points into them stay."""
        objs = list(objs)
        missing = set() if self.has_delete_permission(request) else {self.opts.verbose_name}
        return [str(obj) for obj in objs], {self.opts.verbose_name_plural: len(objs)}, missing, []

    @admin.display(description="canonical URL (web page)")
    def canonical_url(self, article: Article) -> str:
        return getattr(getattr(article, "web_page", None), "canonical_url", None) or "–"

    @admin.display(description="fetched or sent from")
    def page_url(self, article: Article) -> str:
        return getattr(getattr(article, "web_page", None), "page_url", None) or "–"

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Articles come in through the importer (upload, command, API), which sets checksum and raw text."""
        return False

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {
            "has_import_permission": self.has_import_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list:
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="articles_article_upload")
        return [upload, *super().get_urls()]

    @admin.display(description="paragraphs", ordering="paragraph_count")
    def paragraph_count(self, article: Article) -> int:
        return article.paragraph_count

    @admin.display(description="live", boolean=True, ordering="deleted_at")
    def is_live(self, article: Article) -> bool:
        return article.deleted_at is None

    @admin.action(description="Re-assign the publisher of the selected articles", permissions=["change"])
    def reassign_publisher(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        form = PublisherForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            publisher = form.cleaned_data["publisher"]
            count = queryset.update(publisher=publisher)
            self.message_user(
                request, f"{count} articles are now published by {publisher}.", messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Re-assign publisher",
            "form": form,
            "articles": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/reassign_publisher.html", context)

    @admin.action(description="Export the selected articles as JSON Lines", permissions=["view"])
    def export_jsonl(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            export_lines(queryset), content_type="application/jsonl; charset=utf-8"
        )
        filename = f"articles-{timezone.now():%Y%m%d-%H%M%S}.jsonl"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description="Soft-delete the selected articles (their spans stay)", permissions=["change"])
    def soft_delete(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.soft_delete()
        self.message_user(request, f"{count} articles were soft-deleted.", messages.SUCCESS)

    @admin.action(description="Restore the selected soft-deleted articles", permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(deleted_at__isnull=False).update(deleted_at=None)
        self.message_user(request, f"{count} articles were restored.", messages.SUCCESS)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Import uploaded files with the same importer and summary as `manage.py import_articles`."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form, summary, status = UploadForm(), None, 200
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                fmt = form.cleaned_data["format"] or None
                uploads = form.cleaned_data["files"]
                fields = form.cleaned_data["json_fields"]
                reports = [self._import_upload(upload, fmt, request.user, fields) for upload in uploads]
                reports += [
                    web.url_report(url, imported_by=request.user) for url in form.cleaned_data["urls"]
                ]
                summary = importers.Summary(reports)
                form = UploadForm()
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import articles",
            "form": form,
            "summary": summary,
            "max_bytes": settings.IMPORT_MAX_BYTES,
        }
        return TemplateResponse(request, "admin/articles/article/upload.html", context, status=status)

    @staticmethod
    def _import_upload(upload, format: str | None, user, fields=None) -> importers.FileReport:
        try:
            importers.check_size(upload.size)
        except importers.ImportFailed as error:
            return importers.FileReport(path=upload.name, error=str(error))
        return importers.import_bytes(
            upload.read(), name=upload.name, format=format, imported_by=user, fields=fields
        )
