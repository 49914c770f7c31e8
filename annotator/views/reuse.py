"""Source-criticism writes that create spans: annotation transfer and boilerplate suggestions.

They live on the annotator side because they write spans; the corpus pages (`articles.views`) link to them.
Refusals come back as the exact message with status 400 and write nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from annotator import suggestions, transfer
from annotator.models import Annotation, Label
from annotator.views.common import Layer, span_rows
from articles.models import Article, BoilerplateSuggestion, Paragraph

STATUS_TITLES = [
    (transfer.Status.EXACT, "Transfers exactly"),
    (transfer.Status.EDITED, "Transfers onto edited text"),
    (transfer.Status.MISSING, "No match"),
    (transfer.Status.PRESENT, "Already there"),
]


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _article(pk: int) -> Article:
    return get_object_or_404(Article.objects.visible().select_related("publisher"), pk=pk)


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
    source, target_article = _article(pk), _article(target)
    try:
        context = _preview_context(source, target_article, request.user)
    except ValidationError as error:
        return _refusal(error)
    template = "articles/transfer.html"
    if request.htmx and not request.htmx.boosted:
        template += "#preview"
    return render(request, template, context)


@require_POST
def transfer_apply(request: HtmxHttpRequest, pk: int, target: int) -> HttpResponse:
    """Copy the chosen spans; all of them land or none does."""
    source, target_article = _article(pk), _article(target)
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
    response = render(request, "articles/transfer.html#result", context)
    return trigger_client_event(
        response, "annotationChanged", {"message": f"Transferred {len(created)} spans."}
    )


def _page_layer(request: HtmxHttpRequest) -> Layer:
    """Return the layer of the page the request came from: the suggestion forms do not carry it."""
    page = HttpRequest()
    page.GET = QueryDict(urlsplit(request.htmx.current_url or "").query)
    return Layer.from_request(page)


def _redrawn_paragraphs(request: HtmxHttpRequest, article: Article, paragraph_ids: Iterable[int]) -> str:
    """Return the changed paragraphs as the article page draws them, each an out-of-band swap for htmx."""
    paragraphs = list(article.paragraphs.filter(pk__in=set(paragraph_ids)).order_by("position"))
    if not paragraphs:
        return ""
    labels = {label.pk: label for label in Label.objects.all()}
    live = Annotation.objects.live().filter(paragraph__in=paragraphs)
    rows = span_rows(_page_layer(request).filter(live, request.user), labels)
    parts = []
    for paragraph in paragraphs:
        paragraph.layer_spans = [row for row in rows if row.paragraph_id == paragraph.pk]
        parts.append(_out_of_band(request, article, paragraph))
    return "".join(parts)


def _out_of_band(request: HtmxHttpRequest, article: Article, paragraph: Paragraph) -> str:
    context = {"p": paragraph, "article": article, "out_of_band": True}
    return render_to_string("annotator/article.html#paragraph", context, request)


def _suggestions_response(
    request: HtmxHttpRequest, article: Article, message: str = "", tagged: Iterable[Annotation] = ()
) -> HttpResponse:
    if not request.htmx:
        return redirect(article.get_absolute_url())
    context = {
        "article": article,
        "suggestions": suggestions.for_user(article, request.user),
        "suggestions_loaded": True,
    }
    response = render(request, "articles/_boilerplate_suggestions.html", context)
    # The new spans show at once in the paragraphs beside the suggestions, not only after a reload.
    response.content += _redrawn_paragraphs(request, article, (span.paragraph_id for span in tagged)).encode()
    if message:
        trigger_client_event(response, "annotationChanged", {"message": message})
    return response


@require_GET
@vary_on_headers("HX-Request")
def suggestion_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The user's open boilerplate suggestions for an article: a fragment for htmx, a page otherwise."""
    article = _article(pk)
    context = {
        "article": article,
        "suggestions": suggestions.for_user(article, request.user),
        "suggestions_loaded": True,
    }
    template = "articles/_boilerplate_suggestions.html"
    if not request.htmx or request.htmx.boosted:
        template = "articles/suggestions.html"
    return render(request, template, context)


def _suggestion(pk: int) -> BoilerplateSuggestion:
    return get_object_or_404(
        BoilerplateSuggestion.objects.filter(article__deleted_at__isnull=True).select_related(
            "article", "paragraph"
        ),
        pk=pk,
    )


@require_POST
def suggestion_accept(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    try:
        span = suggestions.accept(suggestion=suggestion, user=request.user)
    except ValidationError as error:
        return _refusal(error)
    return _suggestions_response(request, suggestion.article, "Tagged as boilerplate.", [span])


@require_POST
def suggestion_accept_all(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _article(pk)
    created = suggestions.accept_all(article=article, user=request.user)
    return _suggestions_response(request, article, f"Tagged {len(created)} passages as boilerplate.", created)


@require_POST
def suggestion_dismiss(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    try:
        suggestions.dismiss(suggestion=suggestion, user=request.user)
    except ValidationError as error:
        return _refusal(error)
    return _suggestions_response(request, suggestion.article, "")
