"""Curation of one article of a project: the analysts' layers compared, what they all agree on, each
disagreement, and the writes that settle the gold layer.

Two spans agree when they have the same paragraph, offsets, label and (for attributed claims) the same
person they attribute the claim to, case and edge white space aside. A disagreement is a stretch of one
paragraph where the analysts' spans that not everyone shares overlap one another; it lists each analyst's
version there (possibly none) and what the gold layer holds there now.

Every gold write goes through `annotator.spans` with the gold reviewer as the span's reviewer and the
curator as the actor, so the history says who settled what, and undo works as on any layer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotator import spans as span_ops
from annotator.models import Annotation, Assignment, Label, Project, ProjectArticle
from annotator.span_rows import SpanRow, span_rows
from articles.models import Article, Paragraph

SpanKey = tuple[int, int, int, int, str]


def key_of(span) -> SpanKey:
    """Return what two spans must share to agree: paragraph, offsets, label and attribution."""
    return (span.paragraph_id, span.start, span.end, span.label.pk, span.attributed_to.strip().casefold())


@dataclass
class Version:
    """One analyst's spans inside a disagreement (none: the analyst tagged nothing there)."""

    analyst: str
    spans: list[SpanRow]


@dataclass
class Disagreement:
    paragraph: Paragraph
    start: int
    end: int
    versions: list[Version]
    gold: list[SpanRow]

    @property
    def anchor(self) -> str:
        return f"d-{self.paragraph.pk}-{self.start}"

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start : self.end]

    @property
    def settled(self) -> bool:
        """True once the gold layer holds a span here: the curator chose (or wrote) one."""
        return bool(self.gold)


@dataclass
class ParagraphView:
    """A paragraph with each analyst's spans and the gold layer's, for the stacked view."""

    paragraph: Paragraph
    layers: list[tuple[str, list[SpanRow]]]
    gold: list[SpanRow]
    disputes: list[Disagreement] = field(default_factory=list)

    @property
    def has_spans(self) -> bool:
        return bool(self.gold) or any(rows for _, rows in self.layers)


@dataclass
class Comparison:
    project: Project
    article: Article
    entry: ProjectArticle
    analysts: list[str]
    paragraphs: list[ParagraphView]
    agreed: list[SpanRow]  # one analyst's copy of each span every analyst has
    agreed_missing: list[SpanRow]  # those of them the gold layer lacks
    disagreements: list[Disagreement]
    gold: list[SpanRow]

    @property
    def open_disagreements(self) -> int:
        return sum(1 for d in self.disagreements if not d.settled)


def assigned_analysts(project: Project, article: Article) -> list:
    """Return the analysts assigned to the article in the project, by username."""
    assignments = Assignment.objects.filter(project=project, article=article).select_related("analyst")
    return sorted((a.analyst for a in assignments), key=lambda user: user.get_username())


def compare(project: Project, article: Article) -> Comparison:
    """Return the analysts' layers of the article side by side with the gold layer, agreed and disputed."""
    entry = ProjectArticle.objects.get(project=project, article=article)
    analysts = assigned_analysts(project, article)
    labels = {label.pk: label for label in Label.objects.all()}
    reviewer_ids = [user.pk for user in analysts] + [project.gold_reviewer_id]
    rows = span_rows(
        Annotation.objects.live().for_article(article).filter(reviewer_id__in=reviewer_ids), labels
    )
    by_reviewer: dict[int, list[SpanRow]] = defaultdict(list)
    for row in rows:
        by_reviewer[row.reviewer_id].append(row)
    gold = by_reviewer.get(project.gold_reviewer_id, [])
    layers = [(user.get_username(), by_reviewer.get(user.pk, [])) for user in analysts]

    keys_per_layer = [{key_of(row) for row in layer} for _, layer in layers]
    everyone = set.intersection(*keys_per_layer) if keys_per_layer else set()
    gold_keys = {key_of(row) for row in gold}
    agreed: dict[SpanKey, SpanRow] = {}
    for _, layer in layers[:1]:
        for row in layer:
            if key_of(row) in everyone:
                agreed.setdefault(key_of(row), row)
    agreed_missing = [row for key, row in agreed.items() if key not in gold_keys]

    paragraphs = list(article.paragraphs.all())
    by_paragraph = {p.pk: p for p in paragraphs}
    disputed = [(name, row) for name, layer in layers for row in layer if key_of(row) not in everyone]
    disagreements = _group(disputed, [name for name, _ in layers], gold, by_paragraph)

    views = []
    for paragraph in paragraphs:
        views.append(
            ParagraphView(
                paragraph,
                [(name, [r for r in layer if r.paragraph_id == paragraph.pk]) for name, layer in layers],
                [r for r in gold if r.paragraph_id == paragraph.pk],
                [d for d in disagreements if d.paragraph.pk == paragraph.pk],
            )
        )
    return Comparison(
        project,
        article,
        entry,
        [name for name, _ in layers],
        views,
        list(agreed.values()),
        agreed_missing,
        disagreements,
        gold,
    )


def _group(
    disputed: list[tuple[str, SpanRow]],
    names: list[str],
    gold: list[SpanRow],
    paragraphs: dict[int, Paragraph],
) -> list[Disagreement]:
    """Return the disputed spans gathered into stretches of overlapping spans, in reading order."""
    found: list[Disagreement] = []
    by_paragraph: dict[int, list[tuple[str, SpanRow]]] = defaultdict(list)
    for name, row in disputed:
        by_paragraph[row.paragraph_id].append((name, row))
    order = {pk: i for i, pk in enumerate(paragraphs)}
    for paragraph_id in sorted(by_paragraph, key=order.__getitem__):
        items = sorted(by_paragraph[paragraph_id], key=lambda item: (item[1].start, item[1].end))
        clusters: list[list[tuple[str, SpanRow]]] = []
        end = -1
        for item in items:
            if clusters and item[1].start < end:
                clusters[-1].append(item)
                end = max(end, item[1].end)
            else:
                clusters.append([item])
                end = item[1].end
        for cluster in clusters:
            start = min(row.start for _, row in cluster)
            stop = max(row.end for _, row in cluster)
            versions = [Version(name, [row for who, row in cluster if who == name]) for name in names]
            here = [g for g in gold if g.paragraph_id == paragraph_id and g.start < stop and start < g.end]
            found.append(Disagreement(paragraphs[paragraph_id], start, stop, versions, here))
    return found


# ---- Writes -------------------------------------------------------------------------------------------


def _check_curator(project: Project, user) -> None:
    if not project.can_curate(user):
        raise PermissionDenied("Only staff and this project's curators may curate it.")


def take(project: Project, article: Article, span: Annotation, curator) -> Annotation:
    """Copy an analyst's span into the gold layer (label, note and attribution too)."""
    _check_curator(project, curator)
    if span.article_id != article.pk or span.deleted_at is not None:
        raise ValidationError("This span is not a live span of this article.")
    if span.reviewer_id == project.gold_reviewer_id:
        raise ValidationError("This span is already in the gold layer.")
    return span_ops.create(
        paragraph=span.paragraph,
        label=span.label,
        start=span.start,
        end=span.end,
        reviewer=project.gold_reviewer,
        actor=curator,
        note=span.note,
        attributed_to=span.attributed_to,
    )


@transaction.atomic
def merge_agreed(project: Project, article: Article, curator) -> list[Annotation]:
    """Copy into the gold layer every span all the analysts agree on that it lacks; one transaction."""
    _check_curator(project, curator)
    comparison = compare(project, article)
    spans = Annotation.objects.filter(pk__in=[row.pk for row in comparison.agreed_missing]).select_related(
        "paragraph", "label"
    )
    return [take(project, article, span, curator) for span in spans]


def remove(project: Project, span: Annotation, curator) -> Annotation:
    """Delete a span of the gold layer (undo brings it back)."""
    _check_curator(project, curator)
    if span.reviewer_id != project.gold_reviewer_id:
        raise ValidationError("Only spans of the gold layer can be removed here.")
    return span_ops.delete(annotation=span, actor=curator)


@transaction.atomic
def set_curated(project: Project, article: Article, curator, curated: bool) -> ProjectArticle:
    """Mark the article's gold layer settled (blind mode then shows the analysts' layers) or reopen it."""
    _check_curator(project, curator)
    entry = ProjectArticle.objects.select_for_update().get(project=project, article=article)
    if curated:
        entry.curated_at, entry.curated_by = timezone.now(), curator
    else:
        entry.curated_at, entry.curated_by = None, None
    entry.save(update_fields=["curated_at", "curated_by"])
    return entry
