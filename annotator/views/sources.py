"""The Sources page (every outlet, who republishes whom, how its spans divide between the labels) and each
outlet's own page."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from annotator.models import Annotation
from annotator.outlets import label_mix_by_month
from annotator.views.common import HtmxHttpRequest
from articles import provenance
from articles.models import Source


@require_GET
def sources(request: HtmxHttpRequest) -> HttpResponse:
    """The corpus' overview of its outlets, each beside the label shares of its live spans."""
    shares = Annotation.objects.live().label_shares()
    rows = [(row, shares.get(row.source.pk, [])) for row in provenance.source_overview()]
    unknown, unknown_count = provenance.unknown_publisher()
    context = {"rows": rows, "unknown": unknown, "unknown_count": unknown_count}
    return render(request, "annotator/sources.html", context)


@require_GET
def outlet(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """One outlet: its articles, who copies it and whom it copies, its label mix by month."""
    source = get_object_or_404(Source, slug=slug)
    if not provenance.is_outlet(source):
        raise Http404("Articles without a publisher are not an outlet.")
    context = {"source": source, "outlet": provenance.outlet(source), "months": label_mix_by_month(source)}
    return render(request, "annotator/outlet.html", context)
