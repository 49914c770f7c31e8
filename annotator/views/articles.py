"""The article list: search, filters by publisher, project and my progress, pagination, my label counts.

My progress on an article is explicit: done when I marked it done (the workbench's "Mark done"), in progress
when I tagged something in it and it is not done, untouched otherwise. Paragraph coverage is no measure: many
paragraphs of a real article need no tag.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from annotator.forms import ArticleFilterForm
from annotator.models import Annotation, Assignment, Completion, Label, Project
from annotator.projects import projects_for
from annotator.views.common import HtmxHttpRequest
from articles.models import Article, Paragraph, Source, count_of

PER_PAGE = 25


def articles_for(
    user,
    *,
    q: str = "",
    publisher: Source | None = None,
    progress: str = "",
    project: Project | None = None,
) -> QuerySet:
    """Return visible articles with their paragraph count, my span count and whether I marked them done or
    have them assigned, filtered."""
    mine = Annotation.objects.live().by(user)
    done = Completion.objects.done().filter(article=OuterRef("pk"), analyst=user)
    assigned = Assignment.objects.filter(article=OuterRef("pk"), analyst=user)
    articles = (
        Article.objects.visible()
        .select_related("publisher")
        .annotate(
            paragraph_count=count_of(Paragraph.objects.all(), "article"),
            my_spans=count_of(mine, "article"),
            my_done=Exists(done),
            my_assigned=Exists(assigned),
        )
    )
    if q:
        articles = articles.search(q)
    if publisher is not None:
        articles = articles.filter(publisher=publisher)
    if project is not None:
        articles = articles.filter(project_entries__project=project)
    if progress == "untouched":
        articles = articles.filter(my_done=False, my_spans=0)
    elif progress == "in_progress":
        articles = articles.filter(my_done=False, my_spans__gt=0)
    elif progress == "done":
        articles = articles.filter(my_done=True)
    return articles


def _attach_label_bars(articles: list[Article], user, labels: list[Label]) -> None:
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Annotation.objects.live()
        .by(user)
        .filter(article__in=articles)
        .values("article", "label")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["article"]][row["label"]] = row["n"]
    for article in articles:
        bar, x = [], 0.0
        for label in labels:
            n = counts[article.pk].get(label.pk, 0)
            if n:
                width = 100 * n / article.my_spans
                bar.append({"label": label, "count": n, "x": round(x, 2), "width": round(width, 2)})
                x += width
        article.label_bar = bar


@require_GET
@vary_on_headers("HX-Request")
def article_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None)
    form.fields["publisher"].queryset = Source.objects.filter(published_articles__isnull=False).distinct()
    form.fields["project"].queryset = projects_for(request.user)
    # An invalid value drops only its own filter: the others still apply and the page shows the error.
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    articles = articles_for(
        request.user,
        q=(filters.get("q") or "").strip(),
        publisher=filters.get("publisher"),
        progress=filters.get("progress") or "",
        project=filters.get("project"),
    )
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    labels = list(Label.objects.all())
    _attach_label_bars(page.object_list, request.user, labels)
    filtered = any(filters.values()) if filters else False
    done_count = articles.filter(my_done=True).count() if page.paginator.count else 0
    context = {
        "form": form,
        "page": page,
        "labels": labels,
        "filtered": filtered,
        "done_count": done_count,
        "can_make_project": request.user.is_staff,
    }
    template = "annotator/article_list.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)
