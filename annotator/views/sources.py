"""The Sources page: every outlet, who republishes whom, and how its spans divide between the labels."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotator.views.common import HtmxHttpRequest
from articles import provenance


@require_GET
def sources(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "annotator/sources.html", {"rows": provenance.source_overview()})
