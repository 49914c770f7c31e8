"""Boilerplate suggestions as one analyst sees them: accept one, accept all, dismiss.

Suggestions are detected in the corpus app (`articles.boilerplate`) and are never spans: accepting one
creates the analyst's own boilerplate span through `spans.create`, with its history entry. A suggestion is
hidden from an analyst who dismissed it or already tagged any of its words as boilerplate.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from annotator import spans
from annotator.models import Annotation, AnnotationChange
from articles.models import Article, BoilerplateDismissal, BoilerplateSuggestion

LABEL = "boilerplate"


def not_dismissed_by(user, suggestions: QuerySet[BoilerplateSuggestion]) -> QuerySet[BoilerplateSuggestion]:
    """Return the suggestions among `suggestions` that this analyst has not dismissed as "not boilerplate".

    A dismissal is kept by range (paragraph, start, end), so it still holds after detection runs again.
    """
    dismissed = BoilerplateDismissal.objects.filter(
        user=user, paragraph=OuterRef("paragraph"), start=OuterRef("start"), end=OuterRef("end")
    )
    return suggestions.exclude(Exists(dismissed))


def open_for(user) -> QuerySet[BoilerplateSuggestion]:
    """Return the suggestions on visible articles this analyst has neither dismissed nor tagged."""
    tagged = Annotation.objects.live().filter(
        reviewer=user,
        label__slug=LABEL,
        paragraph=OuterRef("paragraph"),
        start__lt=OuterRef("end"),
        end__gt=OuterRef("start"),
    )
    return (
        not_dismissed_by(user, BoilerplateSuggestion.objects.filter(article__deleted_at__isnull=True))
        .exclude(Exists(tagged))
        .select_related("paragraph")
        .order_by("article_id", "paragraph__position", "start")
    )


def for_user(article: Article, user) -> list[BoilerplateSuggestion]:
    """Return the article's open suggestions for this analyst, in reading order."""
    return list(open_for(user).filter(article=article))


def _check_open(suggestion: BoilerplateSuggestion, user) -> None:
    if suggestion.article.deleted_at is not None:
        raise ValidationError("This article was deleted.")
    if not open_for(user).filter(pk=suggestion.pk).exists():
        raise ValidationError("You already tagged or dismissed this boilerplate.")


@transaction.atomic
def accept(*, suggestion: BoilerplateSuggestion, user) -> Annotation:
    """Tag the suggested text as the user's boilerplate span and return the span."""
    _check_open(suggestion, user)
    return spans.create(
        paragraph=suggestion.paragraph,
        label=LABEL,
        start=suggestion.start,
        end=suggestion.end,
        reviewer=user,
    )


@transaction.atomic
def accept_all(*, article: Article, user) -> list[Annotation]:
    """Tag every open suggestion of the article as the user's boilerplate; return the new spans."""
    return [
        spans.create(paragraph=s.paragraph, label=LABEL, start=s.start, end=s.end, reviewer=user)
        for s in for_user(article, user)
    ]


@transaction.atomic
def undo_accept_all(*, article: Article, entry_ids: list[int], user) -> list[Annotation]:
    """Undo the spans one "accept all" created (their history entries), all or none; return the spans.

    Each goes through `spans.undo`, so a span changed since is refused with its message and nothing is
    undone."""
    if not entry_ids:
        raise ValidationError("Nothing to undo.")
    entries = list(
        AnnotationChange.objects.filter(
            pk__in=entry_ids, article=article, actor=user, action=AnnotationChange.Action.CREATE
        ).select_related("annotation__label", "annotation__paragraph")
    )
    if len(entries) != len(set(entry_ids)) or any(e.annotation.label.slug != LABEL for e in entries):
        raise ValidationError("These are not your accepted boilerplate suggestions on this article.")
    for entry in entries:
        spans.undo(entry=entry, actor=user)
    return [entry.annotation for entry in entries]


@transaction.atomic
def dismiss(*, suggestion: BoilerplateSuggestion, user) -> BoilerplateDismissal:
    """Hide the suggestion from this user, now and after detection runs again."""
    _check_open(suggestion, user)
    return BoilerplateDismissal.objects.create(
        user=user, paragraph=suggestion.paragraph, start=suggestion.start, end=suggestion.end
    )
