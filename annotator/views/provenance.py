"""An article's provenance: its chain of sources and the articles sharing its text."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from annotator.views.common import HtmxHttpRequest, get_article
from articles import provenance as provenance_queries


@require_GET
@vary_on_headers("HX-Request")
def provenance(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The article page's provenance block: inline for htmx, a page of its own otherwise."""
    article = get_article(pk, for_page=True)
    template = "annotator/provenance.html"
    if request.htmx and not request.htmx.boosted:
        template = "annotator/_provenance.html"
    return render(
        request, template, {"article": article, "provenance": provenance_queries.for_article(article)}
    )
