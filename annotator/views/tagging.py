"""Span writes from the workbench: create, change, delete, undo.

Each view checks the shape of the input, calls the one write path in `annotator.spans`, and answers an htmx
request with the re-rendered paragraph plus an `annotationChanged` event for the rest of the page (with a
warning when the span contradicts another of the reviewer's spans: saved all the same).
Errors come back as plain text with their status (400 invalid, 403 not yours, 409 conflict) and write nothing;
an htmx request's conflict also brings the span's paragraph as it now is, as an out-of-band swap.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from annotator import contradictions, spans
from annotator.forms import SpanChangeForm, SpanCreateForm, SpanDeleteForm, error_message
from annotator.models import Annotation, AnnotationChange
from annotator.views.common import (
    HtmxHttpRequest,
    Layer,
    get_article,
    out_of_band_paragraphs,
    page_paragraphs,
)
from articles.models import Article, Paragraph


def _message(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


def span_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the write path's refusals into a status and the exact message, for htmx to show."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except spans.SpanConflict as conflict:
            return _conflict_response(request, conflict)
        except PermissionDenied as denied:
            return _message(str(denied) or "You may not change this span.", 403)
        except ValidationError as invalid:
            return _message(_validation_text(invalid), 400)

    return wrapper


def _conflict_response(request: HtmxHttpRequest, conflict: spans.SpanConflict) -> HttpResponse:
    """Refuse a stale write; for htmx, send the span's paragraph as it now is, so it can be saved again."""
    if not request.htmx:
        return _message(str(conflict), 409)
    paragraphs = page_paragraphs([conflict.annotation.paragraph], Layer.from_request(request), request.user)
    response = HttpResponse(out_of_band_paragraphs(request, paragraphs), status=409)
    # workbench.js lets htmx swap this 409; the panel reloads itself for the new counts and history.
    # The span's id lets the page reopen it at its current version and offer what the analyst typed.
    detail = {"message": str(conflict), "span": conflict.annotation.pk}
    trigger_client_event(response, "spanConflict", detail, after="swap")
    return trigger_client_event(response, "panelStale", after="swap")


def _paragraph_response(
    request: HtmxHttpRequest,
    article: Article,
    paragraph: Paragraph,
    *,
    message: str,
    undo: int | None,
    written: Annotation | None = None,
) -> HttpResponse:
    """Return the changed paragraph for htmx to swap in, or send a browser without JavaScript back.

    For a span just `written` (created or changed), warn when it contradicts another of its reviewer's spans.
    """
    layer = Layer.from_request(request)
    next_url = request.POST.get("next", "")
    excluded = contradictions.exclusions()
    if not request.htmx:
        if written is not None:
            drawn = page_paragraphs([paragraph], Layer("all"), request.user, excluded=excluded)
            warning = contradictions.warning(written, drawn[0].layer_spans, excluded)
            if warning:
                messages.warning(request, warning)
        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            return redirect(next_url)
        return redirect(f"{article.get_absolute_url()}{layer.suffix}#para-{paragraph.pk}")
    page_paragraphs([paragraph], layer, request.user, excluded=excluded)
    warning = ""
    if written is not None:
        # The layer shows the writer's spans whenever they may write (their own, everyone's, or staff editing
        # the reviewer's layer they look at), so the drawn rows hold every span it could contradict.
        warning = contradictions.warning(written, paragraph.layer_spans, excluded)
    response = render(request, "annotator/article.html#paragraph", {"p": paragraph, "article": article})
    retarget(response, f"#para-{paragraph.pk}")
    reswap(response, "outerHTML")
    undo_url = reverse("annotator:change-undo", args=[undo]) + layer.suffix if undo else ""
    detail = {"message": message, "undo": undo_url, "paragraph": paragraph.pk, "warning": warning}
    return trigger_client_event(response, "annotationChanged", detail)


def _undo_id(annotation: Annotation) -> int | None:
    change = getattr(annotation, "last_change", None)
    return change.pk if change is not None else None


@require_POST
@span_errors
def span_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_article(pk)
    layer = Layer.from_request(request)
    if not layer.shows_own_spans(request.user):
        return _message(f"You are looking at {layer.username}'s spans: switch to your layer to tag.", 400)
    form = SpanCreateForm(request.POST)
    if not form.is_valid():
        return _message(error_message(form), 400)
    data = form.cleaned_data
    paragraph = article.paragraphs.filter(pk=data["paragraph"]).first()
    if paragraph is None:
        return _message("This paragraph is not part of this article.", 400)
    annotation = spans.create(
        paragraph=paragraph,
        label=data["label"],
        start=data["start"],
        end=data["end"],
        quote=data["quote"] or None,
        reviewer=layer.writer(request.user),
        actor=request.user,
        note=data["note"],
        attributed_to=data["attributed_to"],
    )
    message = f"Tagged as {annotation.label.name}."
    return _paragraph_response(
        request,
        article,
        paragraph,
        message=message,
        undo=_undo_id(annotation),
        written=annotation,
    )


def _get_span(pk: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.select_related("paragraph", "article", "label").defer("article__raw_text"),
        pk=pk,
        article__deleted_at__isnull=True,
    )


@require_POST
@span_errors
def span_change(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = _get_span(pk)
    form = SpanChangeForm(request.POST)
    if not form.is_valid():
        return _message(error_message(form), 400)
    data = form.cleaned_data
    before = annotation.version
    changed = spans.change(
        annotation=annotation,
        actor=request.user,
        version=data["version"],
        label=data["label"] or None,
        note=data["note"] if "note" in request.POST else None,
        attributed_to=data["attributed_to"] if "attributed_to" in request.POST else None,
    )
    if changed.version == before:
        return _paragraph_response(
            request, annotation.article, annotation.paragraph, message="Nothing changed.", undo=None
        )
    return _paragraph_response(
        request,
        annotation.article,
        annotation.paragraph,
        message=f"Span saved as {changed.label.name}.",
        undo=_undo_id(changed),
        written=changed,
    )


@require_POST
@span_errors
def span_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = _get_span(pk)
    form = SpanDeleteForm(request.POST)
    if not form.is_valid():
        return _message(error_message(form), 400)
    deleted = spans.delete(annotation=annotation, actor=request.user, version=form.cleaned_data["version"])
    return _paragraph_response(
        request,
        annotation.article,
        annotation.paragraph,
        message=f"Span deleted: “{deleted.quote[:60]}”.",
        undo=_undo_id(deleted),
    )


# Each names the span's words: `u` may undo a change in a paragraph scrolled out of view.
UNDONE = {
    AnnotationChange.Action.CREATE: "Undone: the new span “{quote}” is removed.",
    AnnotationChange.Action.CHANGE: "Undone: the span “{quote}” is back as it was.",
    AnnotationChange.Action.DELETE: "Undone: the span “{quote}” is restored.",
    AnnotationChange.Action.TRANSFER: "Undone: the transferred span “{quote}” is removed.",
    AnnotationChange.Action.IMPORT: "Undone: the imported span “{quote}” is removed.",
}


def _undo_response(request: HtmxHttpRequest, entry: AnnotationChange) -> HttpResponse:
    spans.undo(entry=entry, actor=request.user)
    annotation = entry.annotation
    quote = Truncator(annotation.quote).chars(60)
    message = UNDONE.get(entry.action, "Undone: “{quote}”.").format(quote=quote)
    return _paragraph_response(request, annotation.article, annotation.paragraph, message=message, undo=None)


@require_POST
@span_errors
def undo_last(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_article(pk)
    entry = spans.last_undoable(article=article, actor=request.user)
    if entry is None:
        return _message("Nothing of yours to undo in this article.", 400)
    return _undo_response(request, entry)


@require_POST
@span_errors
def change_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        AnnotationChange.objects.select_related("annotation__paragraph", "annotation__article"),
        pk=pk,
        article__deleted_at__isnull=True,
    )
    return _undo_response(request, entry)
