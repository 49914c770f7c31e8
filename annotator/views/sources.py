"""The Sources page: every outlet, who republishes whom, and how its spans divide between the labels."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotator.models import Annotation
from annotator.views.common import HtmxHttpRequest
from articles import provenance


@require_GET
def sources(request: HtmxHttpRequest) -> HttpResponse:
    """The corpus' overview of its sources, each beside the label shares of its live spans."""
    shares = Annotation.objects.live().label_shares()
    rows = [(row, shares.get(row.source.pk, [])) for row in provenance.source_overview()]
    return render(request, "annotator/sources.html", {"rows": rows})
