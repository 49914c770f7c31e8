"""The labels' colours as a stylesheet, for pages of the corpus app that show label tags.

The compare page belongs to `articles/`, which knows nothing of labels; it links this stylesheet instead of
rendering the rules itself. A link also serves htmx fragments, where a style element would lack the page's
CSP nonce.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from annotator.models import Label
from annotator.templatetags.highlights import label_styles


@require_GET
def label_stylesheet(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(label_styles(Label.objects.all()), content_type="text/css; charset=utf-8")
    # Labels change rarely but must show at once when they do: the browser asks again each time.
    response["Cache-Control"] = "private, no-cache"
    return response
