"""Background jobs of the corpus app, run by the django-tasks-db worker (`manage.py db_worker`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.tasks import task

from articles import detection


@task
def detect_reuse(article_ids: list[int]) -> int:
    """Link newly imported articles to the corpus and refresh their publishers' boilerplate.

    Articles scanned already are skipped, so running the task again (after its worker died) only does the
    rest.
    """
    return detection.detect(article_ids, skip_scanned=True)


def schedule_reuse_detection(article_ids: Iterable[int]) -> None:
    """Queue reuse detection for these articles once the current transaction commits (nothing on rollback)."""
    ids = sorted(set(article_ids))
    if ids:
        transaction.on_commit(lambda: detect_reuse.enqueue(ids))
