"""The compare page: two articles side by side, their shared text marked."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotator import comparison
from annotator.views.common import HtmxHttpRequest, get_article


@require_GET
def compare(request: HtmxHttpRequest, a: int, b: int) -> HttpResponse:
    if a == b:
        raise Http404("Compare two different articles.")
    first, second = get_article(a, for_page=True), get_article(b, for_page=True)
    result = comparison.build(first, second, viewer=request.user)
    return render(request, "annotator/compare.html", {"c": result})
