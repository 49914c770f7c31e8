"""What the workbench views share: the typed request, access helpers, the layer choice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django_htmx.middleware import HtmxDetails

from annotator import contradictions, projects
from annotator.models import Annotation, AnnotationQuerySet, Label
from annotator.span_rows import SpanRow, span_rows
from articles.models import Article, Paragraph


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def get_article(pk: int, *, for_page: bool = False) -> Article:
    """Return a visible article or raise Http404; `for_page` also loads what its header shows."""
    articles = Article.objects.visible().defer("raw_text")
    if for_page:
        articles = articles.select_related("publisher", "original_source").prefetch_related("tags")
    return get_object_or_404(articles, pk=pk)


@dataclass(frozen=True)
class Layer:
    """Whose spans the page shows: mine (the default), everyone's, or one reviewer's."""

    kind: str
    username: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Layer:
        reviewer = request.GET.get("reviewer", "").strip()
        if reviewer:
            if len(reviewer) > 150:
                raise Http404("No such reviewer.")
            return cls("reviewer", reviewer)
        return cls("all") if request.GET.get("layer") == "all" else cls("mine")

    @property
    def query(self) -> str:
        """Return the query string that keeps this layer across links and writes."""
        if self.kind == "reviewer":
            return urlencode({"reviewer": self.username})
        return "layer=all" if self.kind == "all" else ""

    @property
    def suffix(self) -> str:
        """Return the query string with its leading "?", or nothing for the default layer."""
        return f"?{self.query}" if self.query else ""

    def filter(self, spans: AnnotationQuerySet, user) -> AnnotationQuerySet:
        """Return the live spans among `spans` that this layer shows the user."""
        return spans.for_layer(user, reviewer=self.username, everyone=self.kind == "all")

    def shows_own_spans(self, user) -> bool:
        """Return True when spans the user creates appear in this layer, so tagging is offered."""
        return self.writer(user) is not None

    def writer(self, user):
        """Return whose span a tag made in this layer becomes: the user's own, or, for a project's gold layer,
        the gold reviewer when the user curates the project; None when the user may not tag here."""
        if self.kind in {"mine", "all"} or self.username == user.get_username():
            return user
        return projects.gold_reviewer_for(user, self.username)


def page_paragraphs(
    paragraphs: Iterable[Paragraph],
    layer: Layer,
    user,
    *,
    rows: list[SpanRow] | None = None,
    flagged: set[int] | None = None,
    excluded: dict[int, set[int]] | None = None,
) -> list[Paragraph]:
    """Return paragraphs as the article page draws them: each with the layer's spans as `layer_spans` and the
    ids of spans that contradict another as `contradicting`.

    Pass `rows` (and `flagged`) when the layer's spans of these paragraphs are read already (the full page
    reads them for its side panel); otherwise they are read here. `excluded` (from
    `contradictions.exclusions()`) saves reading which labels exclude which when the caller has it.
    """
    paragraphs = list(paragraphs)
    if rows is None:
        labels = {label.pk: label for label in Label.objects.all()}
        rows = span_rows(layer.filter(Annotation.objects.filter(paragraph__in=paragraphs), user), labels)
    if flagged is None:
        flagged = contradictions.contradicting_ids(rows, excluded)
    by_paragraph = defaultdict(list)
    for row in rows:
        by_paragraph[row.paragraph_id].append(row)
    for paragraph in paragraphs:
        paragraph.layer_spans = by_paragraph[paragraph.pk]
        paragraph.contradicting = flagged
    return paragraphs


def out_of_band_paragraphs(request: HttpRequest, paragraphs: Iterable[Paragraph]) -> str:
    """Return paragraphs from `page_paragraphs` as htmx out-of-band swaps, to ride along another answer."""
    return "".join(
        render_to_string("annotator/article.html#paragraph", {"p": paragraph, "out_of_band": True}, request)
        for paragraph in paragraphs
    )
