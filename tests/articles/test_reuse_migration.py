"""Upgrading to passage links: the old per-sentence links are forgotten and every article is pending again."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import detection
from articles.models import BoilerplateSuggestion, ReuseFingerprint, ReuseLink

BEFORE = [("articles", "0003_source_slug_unicode")]
AFTER = [("articles", "0005_reuse_passages")]


def _migrate(target):
    call_command("migrate", *target[0], verbosity=0)
    return MigrationExecutor(connection).loader.project_state(target).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_forgets_sentence_links_and_leaves_the_articles_pending():
    old = _migrate(BEFORE)
    try:
        source = old.get_model("articles", "Source").objects.create(name="Wire", slug="wire")
        article_model, paragraph_model = (
            old.get_model("articles", "Article"),
            old.get_model("articles", "Paragraph"),
        )
        a, b = (
            article_model.objects.create(title=t, publisher=source, raw_text=t, checksum=t * 8) for t in "ab"
        )
        pa, pb = (paragraph_model.objects.create(article=x, position=0, text="Shared words.") for x in (a, b))
        old.get_model("articles", "ReuseLink").objects.create(
            earlier_article=a, earlier_paragraph=pa, earlier_start=0, earlier_end=13,
            later_article=b, later_paragraph=pb, later_start=0, later_end=13, kind="identical", score=1.0,
        )  # fmt: skip
        old.get_model("articles", "ReuseFingerprint").objects.create(
            hash=1, article=a, paragraph=pa, start=0, end=13
        )
        old.get_model("articles", "ReuseScan").objects.create(article=a, sentences=1)
        old.get_model("articles", "ReuseScan").objects.create(article=b, sentences=1)
        old.get_model("articles", "BoilerplateSuggestion").objects.create(
            article=a, paragraph=pa, start=0, end=13, occurrences=3
        )
        _migrate(AFTER)
        assert (ReuseLink.objects.count(), ReuseFingerprint.objects.count()) == (0, 0)
        assert sorted(detection.pending()) == sorted([a.pk, b.pk])
        assert BoilerplateSuggestion.objects.count() == 1
    finally:
        call_command("migrate", verbosity=0)
