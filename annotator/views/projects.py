"""Project pages: the list, a project's progress, the staff form, each analyst's queue, the explicit done."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotator import projects
from annotator.forms import ArticleFilterForm
from annotator.models import Assignment, Label, Project
from annotator.project_forms import ProjectForm
from annotator.views.articles import articles_for
from annotator.views.common import HtmxHttpRequest, get_article
from articles.models import Article, Source

# The form lists the articles matching its filters with a box each; past this many, narrow the filters.
FORM_ARTICLE_LIMIT = 1000


def visible_project(user, slug: str) -> Project:
    """Return the project if the user may see it; otherwise 404, so a project's existence does not leak."""
    return get_object_or_404(projects.projects_for(user), slug=slug)


@require_GET
def project_list(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    rows = []
    for project in projects.projects_for(user).prefetch_related("analysts"):
        mine = Assignment.objects.filter(project=project, analyst=user).with_done()
        assigned = mine.count()
        done = mine.filter(is_done=True).count()
        rows.append({"project": project, "assigned": assigned, "done": done, "left": assigned - done})
    return render(request, "annotator/projects.html", {"rows": rows})


@require_GET
def project_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    project = visible_project(request.user, slug)
    context = {
        "project": project,
        "progress": projects.progress(project),
        "can_curate": project.can_curate(request.user),
        "is_analyst": project.analysts.filter(pk=request.user.pk).exists(),
        "next": projects.next_assignment(request.user, project=project),
        "guidelines": project.guidelines.select_related("label"),
        "curators": project.curators.order_by("username"),
        "labels": list(Label.objects.all()),
    }
    return render(request, "annotator/project.html", context)


def _form_articles(request: HtmxHttpRequest, project: Project | None) -> tuple[ArticleFilterForm, list]:
    """Return the article filters of the form page and the articles they list (the project's own first)."""
    filters = ArticleFilterForm(request.GET or None)
    filters.fields["publisher"].queryset = Source.objects.filter(published_articles__isnull=False).distinct()
    filters.fields.pop("project", None)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    matching = articles_for(
        request.user,
        q=(data.get("q") or "").strip(),
        publisher=data.get("publisher"),
        progress=data.get("progress") or "",
    ).values_list("pk", flat=True)[:FORM_ARTICLE_LIMIT]
    ids = list(matching)
    if project is not None:
        own = list(project.entries.order_by("position").values_list("article_id", flat=True))
        ids = own + [pk for pk in ids if pk not in set(own)]
    return filters, ids


@require_http_methods(["GET", "POST"])
def project_form(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Create (no slug) or change a project: staff only."""
    if not request.user.is_staff:
        raise PermissionDenied("Only staff create and change projects.")
    project = get_object_or_404(Project, slug=slug) if slug else None
    filters, ids = _form_articles(request, project)
    choices = Article.objects.filter(pk__in=ids).select_related("publisher").defer("raw_text")
    initial = {}
    if project is not None:
        initial["articles"] = list(project.entries.values_list("article_id", flat=True))
    elif request.GET:
        # Opened from the article list's filters: every article they match is ticked.
        initial["articles"] = ids
    form = ProjectForm(request.POST or None, instance=project, articles=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["articles"]
        order = {pk: i for i, pk in enumerate(ids)}
        with transaction.atomic():
            saved = form.save(commit=False)
            if project is None:
                saved.created_by = request.user
            saved.save()
            form.save_m2m()
            form.save_guidelines(saved)
            projects.set_articles(saved, sorted((a.pk for a in chosen), key=order.__getitem__))
            created = projects.assign(saved)
        messages.success(
            request,
            f"Project {saved.name} saved: {len(chosen)} articles, {created} new assignments.",
        )
        return redirect(saved.get_absolute_url())
    position = {pk: i for i, pk in enumerate(ids)}
    ordered = sorted(choices, key=lambda a: position[a.pk])
    context = {"form": form, "filters": filters, "project": project, "ordered_articles": ordered}
    return render(request, "annotator/project_form.html", context)


# ---- Queue and done ------------------------------------------------------------------------------------


def _project_param(request: HtmxHttpRequest) -> Project | None:
    slug = request.GET.get("project") or request.POST.get("project") or ""
    return visible_project(request.user, slug) if slug else None


@require_GET
def next_article(request: HtmxHttpRequest) -> HttpResponse:
    """Open the next assigned article not yet done (in one project with `project=`)."""
    project = _project_param(request)
    after = None
    if request.GET.get("after", "").isdigit():
        after = Article.objects.filter(pk=int(request.GET["after"])).first()
    assignment = projects.next_assignment(request.user, project=project, after=after)
    if assignment is None:
        messages.info(request, "Nothing left in your queue: every article assigned to you is marked done.")
        return redirect(project.get_absolute_url() if project else reverse("annotator:project-list"))
    url = assignment.article.get_absolute_url()
    return redirect(f"{url}?project={assignment.project.slug}")


def _back(request: HtmxHttpRequest, article: Article) -> HttpResponse:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect(article.get_absolute_url())


@require_POST
def article_done(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_article(pk)
    projects.mark_done(article, request.user)
    if request.POST.get("then") == "next":
        project = _project_param(request)
        assignment = projects.next_assignment(request.user, project=project, after=article)
        if assignment is not None:
            messages.success(request, f"Marked done: {article.title}.")
            return redirect(f"{assignment.article.get_absolute_url()}?project={assignment.project.slug}")
    messages.success(request, f"Marked done: {article.title}. Reopen it to go on.")
    return _back(request, article)


@require_POST
def article_reopen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_article(pk)
    if projects.reopen(article, request.user) is None:
        raise Http404("You had not marked this article done.")
    messages.success(request, f"Reopened: {article.title}.")
    return _back(request, article)
