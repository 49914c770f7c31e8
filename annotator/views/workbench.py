"""The article page: paragraphs with their highlights, the side panel, the span popover, the history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotator import contradictions
from annotator import spans as span_ops
from annotator.models import Annotation, AnnotationChange, Label
from annotator.span_rows import span_rows
from annotator.views.common import HtmxHttpRequest, Layer, get_article, page_paragraphs
from articles import provenance
from articles.models import Article

HISTORY_IN_PANEL = 20
HISTORY_PER_PAGE = 100
POPOVER_MAX_SPANS = 20
MAX_ID = 2**63 - 1  # the largest value a bigint primary key can hold
FIELD_NAMES = {"label": "label", "note": "note", "attributed_to": "attributed to", "deleted": "deleted"}


@dataclass
class HistoryItem:
    """One history entry as the page shows it: what changed, and whether this user may undo it."""

    entry: AnnotationChange
    quote: str
    label: Label | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    can_undo: bool = False


def _label_name(slug: str | None, labels: dict[str, Label]) -> str:
    return labels[slug].name if slug in labels else (slug or "")


def _describe(entry: AnnotationChange, user, labels: dict[str, Label]) -> HistoryItem:
    values = entry.after or entry.before or {}
    item = HistoryItem(entry, values.get("quote", ""), labels.get(values.get("label")))
    if entry.before and entry.after:
        for key, name in FIELD_NAMES.items():
            old, new = entry.before.get(key), entry.after.get(key)
            if old != new:
                if key == "label":
                    old, new = _label_name(old, labels), _label_name(new, labels)
                elif key == "deleted":
                    old, new = ("yes" if old else "no"), ("yes" if new else "no")
                item.changes.append((name, old or "—", new or "—"))
    annotation = entry.annotation
    item.can_undo = (
        entry.action != AnnotationChange.Action.UNDO
        and not hasattr(entry, "undone_by")
        and not entry.superseded
        and span_ops.can_edit(user, annotation)
    )
    return item


def history_items(entries, user, labels: list[Label]) -> list[HistoryItem]:
    """Return history entries (fetched with `history_queryset`) ready for the page."""
    by_slug = {label.slug: label for label in labels}
    return [_describe(entry, user, by_slug) for entry in entries]


def history_queryset(article: Article, user=None):
    """Return the article's history; given the viewer, without the changes a blind project hides from them."""
    changes = AnnotationChange.objects.filter(article=article)
    if user is not None and not user.is_staff:
        changes = changes.filter(annotation__in=Annotation.objects.for_article(article).visible_to(user))
    return changes.select_related("actor", "annotation__transferred_from__article", "undone_by").annotate(
        superseded=span_ops.superseded()
    )


def _safe_url(url: str | None) -> str | None:
    return url if url and urlsplit(url).scheme.lower() in {"http", "https"} else None


def _layer_spans(article: Article, layer: Layer, user, labels: list[Label]) -> list:
    """Return the live spans of the article that the layer shows this user."""
    by_id = {label.pk: label for label in labels}
    return span_rows(layer.filter(Annotation.objects.for_article(article), user), by_id)


def panel_context(request: HtmxHttpRequest, article: Article, layer: Layer) -> dict:
    """Return what the side panel shows: the legend, the spans by label, the history, the attributions."""
    user = request.user
    labels = list(Label.objects.all())
    layer_spans = _layer_spans(article, layer, user, labels)
    counts = Counter(span.label.pk for span in layer_spans)
    entries = list(history_queryset(article, user)[: HISTORY_IN_PANEL + 1])
    attributions = (
        Annotation.objects.live()
        .for_article(article)
        .visible_to(user)
        .exclude(attributed_to="")
        .order_by("attributed_to")
        .values_list("attributed_to", flat=True)
        .distinct()
    )
    return {
        "article": article,
        "layer": layer,
        "labels": labels,
        "layer_spans": layer_spans,
        "legend": [(label, counts[label.pk]) for label in labels],
        "contradicting": contradictions.contradicting_ids(layer_spans),
        "history": history_items(entries[:HISTORY_IN_PANEL], user, labels),
        "history_has_more": len(entries) > HISTORY_IN_PANEL,
        "attributions": list(attributions),
        "can_tag": layer.shows_own_spans(user),
        "show_reviewers": layer.kind != "mine",
    }


@require_GET
def article_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_article(pk, for_page=True)
    layer = Layer.from_request(request)
    context = panel_context(request, article, layer)
    paragraphs = page_paragraphs(
        article.paragraphs.all(),
        layer,
        request.user,
        rows=context["layer_spans"],
        flagged=context["contradicting"],
    )
    # Only reviewers whose spans this user may see: a blind project does not even tell who has tagged.
    shown = Annotation.objects.live().for_article(article).visible_to(request.user).values("reviewer_id")
    reviewers = get_user_model().objects.filter(pk__in=shown).order_by("username")
    context.update(
        paragraphs=paragraphs,
        reviewers=list(reviewers),
        original_url=_safe_url(article.url),
        provenance=provenance.for_article(article),
        span_limits=span_ops.LIMITS,
    )
    return render(request, "annotator/article.html", context)


@require_GET
def article_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_article(pk)
    context = panel_context(request, article, Layer.from_request(request))
    return render(request, "annotator/article.html#panel", context)


def _span_ids(raw: str) -> list[int]:
    """Return the ids in a comma-separated list, skipping anything that is not a possible primary key."""
    parts = (part.strip() for part in raw.split(","))
    # isascii() too: str.isdigit() accepts digits such as "²" that int() refuses.
    ids = (int(part) for part in parts if part.isascii() and part.isdigit())
    return [pk for pk in ids if 1 <= pk <= MAX_ID]


@require_GET
def span_popover(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Return the editors for the spans under a click, innermost first, so nested spans stay reachable."""
    article = get_article(pk)
    ids = list(dict.fromkeys(_span_ids(request.GET.get("ids", ""))))[:POPOVER_MAX_SPANS]
    found = {
        span.pk: span
        for span in Annotation.objects.live()
        .for_article(article)
        .visible_to(request.user)
        .filter(pk__in=ids)
        .with_labels()
    }
    items = [found[pk] for pk in ids if pk in found]
    for span in items:
        span.editable = span_ops.can_edit(request.user, span)
    context = {
        "article": article,
        "layer": Layer.from_request(request),
        "popover_spans": items,
        "labels": list(Label.objects.all()),
        "span_limits": span_ops.LIMITS,
    }
    return render(request, "annotator/article.html#popover", context)


@require_GET
def article_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = get_article(pk)
    page = Paginator(history_queryset(article, request.user), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = list(Label.objects.all())
    context = {
        "article": article,
        "labels": labels,
        "page": page,
        "history": history_items(page.object_list, request.user, labels),
        "layer": Layer.from_request(request),
    }
    return render(request, "annotator/history.html", context)
