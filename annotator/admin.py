"""Admin for labels, spans and their history, plus span counts and anchored paragraphs on the corpus' article
admin.

Span add, change and delete go through annotator.spans like every other entry point, so the admin cannot
store a span the workbench would refuse.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from annotator import project_admin, span_import_admin, spans  # noqa: F401 (project_admin registers models)
from annotator.models import Annotation, AnnotationChange, Label
from articles import admin as articles_admin
from articles.admin import DeletedFilter
from articles.models import Article, count_of


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "swatch", "colour", "shortcut", "order", "span_count"]
    list_display_links = ["name"]
    list_editable = ["colour", "shortcut", "order"]
    search_fields = ["name", "slug", "description"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(span_count=count_of(Annotation.objects.live(), "label"))

    def get_readonly_fields(self, request: HttpRequest, obj: Label | None = None) -> list[str]:
        # Slugs are part of the API and of every export: they are set once.
        return ["slug"] if obj is not None else []

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "colour":
            kwargs["widget"] = forms.TextInput(attrs={"type": "color"})
        elif db_field.name == "shortcut":
            kwargs["widget"] = forms.TextInput(attrs={"size": 2})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "excludes":
            # A handful of labels: plain checkboxes read better than a two-box picker and need no script.
            kwargs["widget"] = forms.CheckboxSelectMultiple
            label_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            if label_id and label_id.isascii() and label_id.isdigit():
                kwargs["queryset"] = Label.objects.exclude(pk=label_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="")
    def swatch(self, label: Label) -> SafeString:
        # An image rather than a style attribute: the CSP allows data: images but no inline styles.
        svg = (
            "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16'>"
            f"<rect width='16' height='16' fill='{label.colour}'/></svg>"
        )
        return format_html('<img src="data:image/svg+xml,{}" width="16" height="16" alt="">', quote(svg))

    @admin.display(description="live spans", ordering="span_count")
    def span_count(self, label: Label) -> int:
        return label.span_count


class _SpanForm(forms.ModelForm):
    """Validates by writing through annotator.spans: its ValidationError becomes form errors, nothing is
    stored, and the admin's save_model has nothing left to do. The admin view runs in a transaction.

    Note and attribution are plain text fields here, without the model's max_length: the limits are span
    rules, and `spans` states them with the same message as in the workbench and the API."""

    actor = None
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attributed_to = forms.CharField(required=False)

    def _post_clean(self) -> None:
        if self.errors:
            return
        try:
            self.instance = self.write(self.cleaned_data)
        except ValidationError as error:
            self.add_error(None, error)
        except (spans.SpanConflict, PermissionDenied) as error:
            self.add_error(None, str(error))

    def write(self, data: dict) -> Annotation:
        raise NotImplementedError


class AnnotationAddForm(_SpanForm):
    # Plain integers: whether an offset fits the paragraph (0 or more included) is a span rule.
    start = forms.IntegerField()
    end = forms.IntegerField()
    quote = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave empty to take the paragraph's text between start and end; if given, it must match.",
    )

    class Meta:
        model = Annotation
        fields = ["paragraph", "start", "end", "quote", "label", "reviewer", "note", "attributed_to"]

    def write(self, data: dict) -> Annotation:
        return spans.create(
            paragraph=data["paragraph"],
            label=data["label"],
            start=data["start"],
            end=data["end"],
            quote=data["quote"] or None,
            reviewer=data["reviewer"],
            note=data["note"],
            attributed_to=data["attributed_to"],
        )


class AnnotationChangeForm(_SpanForm):
    class Meta:
        model = Annotation
        fields = ["label", "note", "attributed_to", "version"]
        widgets = {"version": forms.HiddenInput}

    def write(self, data: dict) -> Annotation:
        return spans.change(
            annotation=self.instance,
            actor=self.actor,
            version=data["version"],
            label=data["label"],
            note=data["note"],
            attributed_to=data["attributed_to"],
        )


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = [
        "short_quote", "label", "reviewer", "article", "position", "start", "end", "version", "is_live",
    ]  # fmt: skip
    list_filter = [DeletedFilter, "label", "reviewer", ("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["label", "reviewer", "article", "paragraph"]
    search_fields = ["quote", "note"]
    raw_id_fields = ["paragraph", "reviewer"]
    add_fields = ["paragraph", "start", "end", "quote", "label", "reviewer", "note", "attributed_to"]
    change_fields = [
        "article", "paragraph", "start", "end", "quote", "reviewer", "label", "note", "attributed_to",
    ]  # fmt: skip
    change_readonly = [
        "article", "paragraph", "start", "end", "quote", "reviewer", "transferred_from",
        "created_at", "updated_at", "deleted_at",
    ]  # fmt: skip

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(partial(span_import_admin.import_view, self))
        return [path("import/", view, name="annotator_annotation_import"), *super().get_urls()]

    def get_fields(self, request: HttpRequest, obj: Annotation | None = None) -> list[str]:
        if obj is None:
            return self.add_fields
        return [*self.change_fields, "version", "transferred_from", "created_at", "updated_at", "deleted_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Annotation | None = None) -> list[str]:
        return self.change_readonly if obj is not None else []

    def get_form(self, request: HttpRequest, obj: Annotation | None = None, change: bool = False, **kwargs):
        kwargs["form"] = AnnotationChangeForm if obj is not None else AnnotationAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {"reviewer": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request: HttpRequest, obj: Annotation, form, change: bool) -> None:
        """Nothing to do: the form wrote the span through annotator.spans while validating."""

    def delete_model(self, request: HttpRequest, obj: Annotation) -> None:
        spans.delete(annotation=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for annotation in queryset:
            spans.delete(annotation=annotation, actor=request.user)

    def get_deleted_objects(self, objs, request: HttpRequest) -> tuple[list, dict, set, list]:
        """Deleting is a soft delete of the spans alone: their history stays."""
        objs = list(objs)
        missing = set() if self.has_delete_permission(request) else {self.opts.verbose_name}
        return [str(obj) for obj in objs], {self.opts.verbose_name_plural: len(objs)}, missing, []

    @admin.display(description="quote", ordering="quote")
    def short_quote(self, annotation: Annotation) -> str:
        return annotation.quote if len(annotation.quote) <= 60 else annotation.quote[:59] + "…"

    @admin.display(description="paragraph", ordering="paragraph__position")
    def position(self, annotation: Annotation) -> int:
        return annotation.paragraph.position

    @admin.display(description="live", boolean=True, ordering="deleted_at")
    def is_live(self, annotation: Annotation) -> bool:
        return annotation.deleted_at is None


@admin.register(AnnotationChange)
class AnnotationChangeAdmin(admin.ModelAdmin):
    """The history is evidence: it can be read, never written here."""

    list_display = ["created_at", "actor", "action", "annotation", "article"]
    list_filter = ["action", "actor"]
    list_select_related = ["actor", "annotation", "article"]
    search_fields = ["annotation__quote"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AnnotationChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AnnotationChange | None = None) -> bool:
        return False


class AnchoredParagraphForm(articles_admin.ParagraphForm):
    """Shows the text of a paragraph that spans point into as disabled: Django then ignores a posted value,
    and the pre_save guard (annotator.apps) refuses any other way to change it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self.instance, "is_anchored", False):
            self.fields["text"].disabled = True
            self.fields["text"].help_text = "Spans point into this paragraph, so its text cannot change."


class ParagraphInline(articles_admin.ParagraphInline):
    form = AnchoredParagraphForm

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Deleted spans count too: undo can bring them back at their offsets.
        spans_inside = Annotation.objects.filter(paragraph=OuterRef("pk"))
        return super().get_queryset(request).annotate(is_anchored=Exists(spans_inside))


def _span_counts(labels, article: Article) -> SafeString:
    counts = ((label.name, getattr(article, f"spans_{label.pk}", 0)) for label in labels)
    return format_html_join(" · ", "{}: {}", counts)


admin.site.unregister(Article)


@admin.register(Article)
class ArticleAdmin(articles_admin.ArticleAdmin):
    """The corpus' article admin with live span counts per label (the corpus app knows nothing of spans)."""

    readonly_fields = [*articles_admin.ArticleAdmin.readonly_fields, "spans_per_label"]
    inlines = [ParagraphInline]
    fieldsets = [*articles_admin.ArticleAdmin.fieldsets, ("Annotations", {"fields": ["spans_per_label"]})]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        live = Annotation.objects.live()
        counts = {
            f"spans_{pk}": count_of(live.filter(label_id=pk), "article")
            for pk in Label.objects.values_list("pk", flat=True)
        }
        return super().get_queryset(request).annotate(**counts)

    def get_list_display(self, request: HttpRequest) -> list:
        labels = list(Label.objects.all())

        @admin.display(description="live spans per label")
        def spans_per_label(article: Article) -> SafeString:
            return _span_counts(labels, article)

        return [*super().get_list_display(request), spans_per_label]

    @admin.display(description="live spans per label")
    def spans_per_label(self, article: Article) -> SafeString:
        return _span_counts(Label.objects.all(), article)
