"""Source-criticism pages of the corpus: compare two articles, provenance of one, the sources overview."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from articles import compare as comparison
from articles import provenance as provenance_queries
from articles.models import Article


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _get_article(pk: int) -> Article:
    """Return a visible article with what its header shows, or raise Http404."""
    articles = Article.objects.visible().select_related("publisher", "original_source")
    return get_object_or_404(articles, pk=pk)


@require_GET
def compare(request: HtmxHttpRequest, a: int, b: int) -> HttpResponse:
    if a == b:
        raise Http404("Compare two different articles.")
    result = comparison.build(_get_article(a), _get_article(b), viewer=request.user)
    return render(request, "articles/compare.html", {"c": result})


@require_GET
@vary_on_headers("HX-Request")
def provenance(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The article page's provenance block: inline for htmx, a page of its own otherwise."""
    article = _get_article(pk)
    template = "articles/provenance.html"
    if request.htmx and not request.htmx.boosted:
        template = "articles/_provenance.html"
    return render(
        request, template, {"article": article, "provenance": provenance_queries.for_article(article)}
    )


@require_GET
def sources(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "articles/sources.html", {"rows": provenance_queries.source_overview()})
