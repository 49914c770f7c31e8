"""Spans that contradict each other: the same reviewer's overlapping spans whose labels exclude each other.

A contradiction is a warning, never a refusal: the analyst may mean to keep both while they decide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.text import Truncator

from annotator.models import Annotation, Label

QUOTE_IN_WARNING = 60


def exclusions() -> dict[int, set[int]]:
    """Return, per label id, the ids of the labels it excludes (both ways)."""
    pairs = Label.excludes.through.objects.values_list("from_label_id", "to_label_id")
    excluded: dict[int, set[int]] = defaultdict(set)
    for one, other in pairs:
        excluded[one].add(other)
        excluded[other].add(one)
    return excluded


def warning(annotation: Annotation, rows: Iterable, excluded: dict[int, set[int]]) -> str:
    """Return the warning that names each span contradicting `annotation`, or "" when there is none.

    `rows` are the drawn spans of the annotation's paragraph (`span_rows.SpanRow`, which the answer to a
    write reads anyway) and `excluded` comes from `exclusions()`: no query of its own.
    """
    excludes = excluded.get(annotation.label_id)
    if not excludes:
        return ""
    others = [
        row
        for row in rows
        if row.pk != annotation.pk
        and row.reviewer_id == annotation.reviewer_id
        and row.label.pk in excludes
        and row.start < annotation.end
        and annotation.start < row.end
    ]
    if not others:
        return ""
    named = "; ".join(
        f"“{Truncator(other.quote).chars(QUOTE_IN_WARNING)}” is also tagged {other.label.name}"
        for other in others
    )
    return f"Contradiction: {named}, which excludes {annotation.label.name}. Both spans are kept."


def contradicting_ids(rows: Iterable, excluded: dict[int, set[int]] | None = None) -> set[int]:
    """Return the ids among span rows (with pk, paragraph_id, start, end, label, reviewer_id) that overlap
    another row of the same reviewer whose label excludes theirs."""
    if excluded is None:
        excluded = exclusions()
    if not excluded:
        return set()
    by_place = defaultdict(list)
    for row in rows:
        by_place[(row.paragraph_id, row.reviewer_id)].append(row)
    found = set()
    for spans in by_place.values():
        # A paragraph holds a few spans per reviewer: comparing every pair is cheap.
        for i, one in enumerate(spans):
            for other in spans[i + 1 :]:
                if (
                    other.label.pk in excluded.get(one.label.pk, ())
                    and one.start < other.end
                    and other.start < one.end
                ):
                    found.update((one.pk, other.pk))
    return found
