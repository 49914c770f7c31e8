"""The workbench's project parts: the queue bar (next article, done), and the project's guidelines in the
legend and the shortcut help. Tags rather than view code, so the article page's views need not know."""

from __future__ import annotations

from django import template
from django.db.models import Exists, OuterRef

from annotator import projects
from annotator.models import Assignment, Guideline, Project

register = template.Library()


def _projects(context) -> list:
    """Return the projects of the page's article the user sees, each with `assigned_to_me` and
    `curated_by_me`, read once per page (the panel and the help both ask)."""
    if "_article_projects" not in context.render_context:
        user, article = context.get("user"), context.get("article")
        found = []
        if user is not None and user.is_authenticated and article is not None:
            mine = Assignment.objects.filter(project=OuterRef("pk"), article=article, analyst=user)
            curator = Project.curators.through.objects.filter(project=OuterRef("pk"), user=user)
            found = list(
                projects.projects_for(user)
                .filter(entries__article=article)
                .annotate(assigned_to_me=Exists(mine), curated_by_me=Exists(curator))
                .order_by("name", "pk")
            )
        context.render_context["_article_projects"] = found
    return context.render_context["_article_projects"]


@register.inclusion_tag("annotator/_queue_bar.html", takes_context=True)
def queue_bar(context) -> dict:
    """The analyst's "Next article" and "Mark done" / "Reopen" for the page's article."""
    request, user, article = context["request"], context["user"], context["article"]
    found = _projects(context)
    mine = [p for p in found if p.assigned_to_me]
    current = request.GET.get("project", "")
    project = next((p for p in mine if p.slug == current), mine[0] if mine else None)
    return {
        "article": article,
        "project": project,
        "done": projects.is_done(article, user),
        "left": projects.queue(user, project).count() if project else None,
        "curatable": [p for p in found if user.is_staff or p.curated_by_me],
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


def _guidelines(context) -> list[Guideline]:
    found = _projects(context)
    if not found:
        return []
    return list(Guideline.objects.filter(project=found[0]).select_related("label", "project"))


@register.inclusion_tag("annotator/_legend_guidelines.html", takes_context=True)
def legend_guidelines(context) -> dict:
    guidelines = _guidelines(context)
    return {"guidelines": guidelines, "project": guidelines[0].project if guidelines else None}


@register.inclusion_tag("annotator/_help_guidelines.html", takes_context=True)
def help_guidelines(context) -> dict:
    guidelines = _guidelines(context)
    return {"guidelines": guidelines, "project": guidelines[0].project if guidelines else None}
