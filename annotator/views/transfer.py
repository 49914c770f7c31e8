"""The transfer page: preview copying an analyst's spans onto another article, then apply it.

Refusals come back as the exact message with status 400 and write nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from annotator import transfer
from annotator.views.common import HtmxHttpRequest, get_article
from articles.models import Article

STATUS_TITLES = [
    (transfer.Status.EXACT, "Transfers exactly"),
    (transfer.Status.EDITED, "Transfers onto edited text"),
    (transfer.Status.MISSING, "No match"),
    (transfer.Status.PRESENT, "Already there"),
]


def _refusal(error: ValidationError) -> HttpResponse:
    return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")


def _preview_context(source: Article, target: Article, user) -> dict:
    items = transfer.preview(source=source, target=target, reviewer=user)
    groups = [(status, title, [i for i in items if i.status == status]) for status, title in STATUS_TITLES]
    return {
        "source": source,
        "target": target,
        "items": items,
        "groups": [group for group in groups if group[2]],
        "transferable": sum(i.transferable for i in items),
    }


@require_GET
@vary_on_headers("HX-Request")
def transfer_preview(request: HtmxHttpRequest, pk: int, target: int) -> HttpResponse:
    """List what copying the user's spans from article `pk` to `target` would do."""
    source, target_article = get_article(pk, for_page=True), get_article(target, for_page=True)
    try:
        context = _preview_context(source, target_article, request.user)
    except ValidationError as error:
        return _refusal(error)
    template = "annotator/transfer.html"
    if request.htmx and not request.htmx.boosted:
        template += "#preview"
    return render(request, template, context)


@require_POST
def transfer_apply(request: HtmxHttpRequest, pk: int, target: int) -> HttpResponse:
    """Copy the chosen spans; all of them land or none does."""
    source, target_article = get_article(pk, for_page=True), get_article(target, for_page=True)
    chosen = request.POST.getlist("span")
    if not chosen:
        return _refusal(ValidationError("Choose at least one span to transfer."))
    if not all(value.isdigit() for value in chosen):
        return _refusal(ValidationError("Spans are chosen by their numbers."))
    try:
        created = transfer.apply(
            source=source, target=target_article, reviewer=request.user, span_ids={int(v) for v in chosen}
        )
    except ValidationError as error:
        return _refusal(error)
    if not request.htmx:
        return redirect("reuse:transfer", pk=source.pk, target=target_article.pk)
    context = {"source": source, "target": target_article, "created": created}
    response = render(request, "annotator/transfer.html#result", context)
    return trigger_client_event(
        response, "annotationChanged", {"message": f"Transferred {len(created)} spans."}
    )
