"""Boilerplate suggestions of an article: list them, accept one or all (which creates spans), dismiss one.

Refusals come back as the exact message with status 400 and write nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from annotator import suggestions
from annotator.models import Annotation
from annotator.views.common import (
    HtmxHttpRequest,
    Layer,
    get_article,
    out_of_band_paragraphs,
    page_paragraphs,
)
from articles.models import Article, BoilerplateSuggestion


def _refusal(error: ValidationError) -> HttpResponse:
    return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")


def _page_layer(request: HtmxHttpRequest) -> Layer:
    """Return the layer of the page the request came from: the suggestion forms do not carry it."""
    page = HttpRequest()
    page.GET = QueryDict(urlsplit(request.htmx.current_url or "").query)
    return Layer.from_request(page)


def _redrawn_paragraphs(request: HtmxHttpRequest, article: Article, paragraph_ids: Iterable[int]) -> str:
    """Return the changed paragraphs as the article page draws them, each an out-of-band swap for htmx."""
    changed = article.paragraphs.filter(pk__in=set(paragraph_ids)).order_by("position")
    return out_of_band_paragraphs(request, page_paragraphs(changed, _page_layer(request), request.user))


def _suggestions_response(
    request: HtmxHttpRequest,
    article: Article,
    message: str = "",
    tagged: Iterable[Annotation] = (),
    undo: str = "",
) -> HttpResponse:
    if not request.htmx:
        return redirect(article.get_absolute_url())
    context = {
        "article": article,
        "suggestions": suggestions.for_user(article, request.user),
        "suggestions_loaded": True,
    }
    response = render(request, "annotator/_boilerplate_suggestions.html", context)
    # The new spans show at once in the paragraphs beside the suggestions, not only after a reload.
    response.content += _redrawn_paragraphs(request, article, (span.paragraph_id for span in tagged)).encode()
    if message:
        trigger_client_event(response, "annotationChanged", {"message": message, "undo": undo})
    return response


@require_GET
@vary_on_headers("HX-Request")
def suggestion_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The user's open boilerplate suggestions for an article: a fragment for htmx, a page otherwise."""
    article = get_article(pk, for_page=True)
    context = {
        "article": article,
        "suggestions": suggestions.for_user(article, request.user),
        "suggestions_loaded": True,
    }
    template = "annotator/_boilerplate_suggestions.html"
    if not request.htmx or request.htmx.boosted:
        template = "annotator/suggestions.html"
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
    article = get_article(pk, for_page=True)
    created = suggestions.accept_all(article=article, user=request.user)
    undo = ""
    if created:
        # The notice's Undo takes back all of them at once: their history entries' ids ride in the URL.
        ids = ",".join(str(span.last_change.pk) for span in created)
        undo = reverse("reuse:suggestions-accept-all-undo", args=[article.pk])
        undo += "?" + urlencode({"changes": ids})
    message = f"Tagged {len(created)} passage{pluralize(len(created))} as boilerplate."
    return _suggestions_response(request, article, message, created, undo=undo)


@require_POST
def suggestion_accept_all_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Undo one "accept all": remove the boilerplate spans it created, all or none."""
    article = get_article(pk, for_page=True)
    try:
        ids = [int(part) for part in request.GET.get("changes", "").split(",") if part.strip()]
    except ValueError:
        return _refusal(ValidationError("The changes to undo must be numbers."))
    try:
        removed = suggestions.undo_accept_all(article=article, entry_ids=ids, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        if isinstance(error, PermissionDenied):
            error = ValidationError(str(error) or "You may not change these spans.")
        return _refusal(error)
    message = f"Undone: {len(removed)} boilerplate span{pluralize(len(removed))} removed."
    return _suggestions_response(request, article, message, removed)


@require_POST
def suggestion_dismiss(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    try:
        suggestions.dismiss(suggestion=suggestion, user=request.user)
    except ValidationError as error:
        return _refusal(error)
    return _suggestions_response(request, suggestion.article, "")
