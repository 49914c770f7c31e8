"""Spans as the pages draw them: plain rows read with `values_list`, with the labels already loaded.

Shared by the workbench's views, the curation comparison and the compare page; no page code of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from annotator.models import AnnotationQuerySet, Label

EXCERPT_LENGTH = 90


@dataclass(slots=True)
class SpanRow:
    """A span as the page draws it, read with `values_list`.

    Building model instances for a 300-span page cost more than rendering the whole page, so the page reads
    plain rows and attaches the labels it has already loaded.
    """

    pk: int
    paragraph_id: int
    start: int
    end: int
    quote: str
    label: Label
    reviewer_id: int
    reviewer_name: str
    attributed_to: str
    note: str

    @property
    def excerpt(self) -> str:
        quote = self.quote
        return quote if len(quote) <= EXCERPT_LENGTH else quote[: EXCERPT_LENGTH - 1].rstrip() + "…"


def span_rows(spans: AnnotationQuerySet, labels: dict[int, Label]) -> list[SpanRow]:
    """Return the spans of a queryset as rows for drawing, in reading order (paragraph position, offsets)."""
    fields = ("pk", "paragraph_id", "start", "end", "quote", "label_id", "reviewer_id")
    username = f"reviewer__{get_user_model().USERNAME_FIELD}"
    rows = spans.order_by("paragraph__position", "start", "end", "pk").values_list(
        *fields, username, "attributed_to", "note"
    )
    return [
        SpanRow(pk, paragraph_id, start, end, quote, labels[label_id], reviewer_id, name, attributed_to, note)
        for pk, paragraph_id, start, end, quote, label_id, reviewer_id, name, attributed_to, note in rows
    ]
