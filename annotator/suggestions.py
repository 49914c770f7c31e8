"""Boilerplate suggestions as one analyst sees them: accept one, accept all, dismiss.

Suggestions are detected in the corpus app (`articles.boilerplate`) and are never spans: accepting one
creates the analyst's own boilerplate span through `spans.create`, with its history entry. A suggestion is
hidden from an analyst who dismissed it or already tagged any of its words as boilerplate.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from annotator import spans
from annotator.models import Annotation
from articles.models import Article, BoilerplateDismissal, BoilerplateSuggestion

LABEL = "boilerplate"


def for_user(article: Article, user) -> list[BoilerplateSuggestion]:
    """Return the article's suggestions this analyst has neither dismissed nor tagged, in reading order."""
    dismissed = set(
        BoilerplateDismissal.objects.filter(user=user, paragraph__article=article).values_list(
            "paragraph_id", "start", "end"
        )
    )
    tagged = list(
        Annotation.objects.live()
        .for_article(article)
        .by(user)
        .filter(label__slug=LABEL)
        .values_list("paragraph_id", "start", "end")
    )
    return [
        s
        for s in BoilerplateSuggestion.objects.filter(article=article).select_related("paragraph")
        if (s.paragraph_id, s.start, s.end) not in dismissed
        and not any(pid == s.paragraph_id and start < s.end and s.start < end for pid, start, end in tagged)
    ]


def _check_open(suggestion: BoilerplateSuggestion, user) -> None:
    if suggestion.article.deleted_at is not None:
        raise ValidationError("This article was deleted.")
    if suggestion not in for_user(suggestion.article, user):
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
def dismiss(*, suggestion: BoilerplateSuggestion, user) -> BoilerplateDismissal:
    """Hide the suggestion from this user, now and after detection runs again."""
    _check_open(suggestion, user)
    return BoilerplateDismissal.objects.create(
        user=user, paragraph=suggestion.paragraph, start=suggestion.start, end=suggestion.end
    )
