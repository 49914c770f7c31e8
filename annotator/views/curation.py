"""The curation page of one article of a project, and the writes that settle its gold layer."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from annotator import curation
from annotator import spans as span_ops
from annotator.models import Annotation, Label, Project
from annotator.templatetags.highlights import render_highlights
from annotator.views.common import HtmxHttpRequest, get_article
from annotator.views.projects import visible_project
from articles.models import Article


def _curatable(request: HtmxHttpRequest, slug: str, pk: int) -> tuple[Project, Article]:
    """Return the project and its article, if the user may curate them (404 for an unseen project)."""
    project = visible_project(request.user, slug)
    if not project.can_curate(request.user):
        raise PermissionDenied("Only staff and this project's curators may curate it.")
    article = get_article(pk)
    if not project.entries.filter(article=article).exists():
        raise PermissionDenied("This article is not part of the project.")
    return project, article


def _page(project: Project, article: Article) -> str:
    return reverse("annotator:curate", args=[project.slug, article.pk])


@require_GET
def curate(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    project, article = _curatable(request, slug, pk)
    comparison = curation.compare(project, article)
    for view in comparison.paragraphs:
        view.rendered_layers = [
            (name, render_highlights(view.paragraph.text, rows)) for name, rows in view.layers
        ]
        view.rendered_gold = render_highlights(view.paragraph.text, view.gold)
    last = span_ops.last_undoable(article=article, actor=request.user)
    undo = last if last is not None and last.annotation.reviewer_id == project.gold_reviewer_id else None
    gold_query = urlencode({"reviewer": project.gold_reviewer.get_username()})
    gold_layer = f"{article.get_absolute_url()}?{gold_query}"
    context = {
        "project": project,
        "article": article,
        "comparison": comparison,
        "labels": list(Label.objects.all()),
        "undo": undo,
        "gold_layer_url": gold_layer,
        "page_url": _page(project, article),
    }
    return render(request, "annotator/curate.html", context)


def _settle(request: HtmxHttpRequest, project: Project, article: Article, action) -> HttpResponse:
    """Run a gold write; its refusal becomes a message on the page, never a half-written gold layer."""
    try:
        message = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect(_page(project, article))


@require_POST
def take(request: HtmxHttpRequest, slug: str, pk: int, span: int) -> HttpResponse:
    project, article = _curatable(request, slug, pk)
    source = get_object_or_404(
        Annotation.objects.live().select_related("paragraph", "label", "reviewer"), pk=span, article=article
    )

    def write() -> str:
        curation.take(project, article, source, request.user)
        quote = Truncator(source.quote).chars(60)
        return f"Gold now holds {source.reviewer.get_username()}'s {source.label.name} “{quote}”."

    return _settle(request, project, article, write)


@require_POST
def merge_agreed(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    project, article = _curatable(request, slug, pk)

    def write() -> str:
        merged = curation.merge_agreed(project, article, request.user)
        return (
            f"{len(merged)} span{'s' if len(merged) != 1 else ''} every analyst agrees on copied into gold."
        )

    return _settle(request, project, article, write)


@require_POST
def remove(request: HtmxHttpRequest, slug: str, pk: int, span: int) -> HttpResponse:
    project, article = _curatable(request, slug, pk)
    gold = get_object_or_404(Annotation.objects.live(), pk=span, article=article)

    def write() -> str:
        curation.remove(project, gold, request.user)
        return f"Removed from gold: “{Truncator(gold.quote).chars(60)}”."

    return _settle(request, project, article, write)


@require_POST
def finish(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    project, article = _curatable(request, slug, pk)
    curated = request.POST.get("curated") == "1"
    curation.set_curated(project, article, request.user, curated)
    if curated:
        messages.success(request, f"{article.title} is curated: its gold layer is settled.")
    else:
        messages.success(request, f"{article.title} is open for curation again.")
    return redirect(_page(project, article))
