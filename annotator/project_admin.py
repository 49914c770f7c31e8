"""Projects in the admin: settings, guidelines inline, the same balanced assignment as the project form."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from annotator import projects
from annotator.models import Assignment, Completion, Guideline, Project, ProjectArticle


class GuidelineInline(admin.TabularInline):
    model = Guideline
    extra = 0


class ProjectArticleInline(admin.TabularInline):
    model = ProjectArticle
    extra = 0
    raw_id_fields = ["article"]
    readonly_fields = ["curated_at", "curated_by"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "analysts_per_article", "blind", "created_at"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["analysts", "curators"]
    readonly_fields = ["gold_reviewer"]
    inlines = [GuidelineInline, ProjectArticleInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Project | None = None) -> list[str]:
        # The slug names the gold layer (gold:<slug>) in exports: it is set once.
        return ["gold_reviewer", "slug"] if obj is not None else ["gold_reviewer"]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        projects.assign(form.instance)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["project", "article", "analyst", "position"]
    list_filter = ["project"]
    raw_id_fields = ["article", "analyst"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["article", "analyst", "done_at", "reopened_at"]
    raw_id_fields = ["article", "analyst"]
