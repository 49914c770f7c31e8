"""Incremental detection: each import queues a background task; `detect_reuse` scans pending or all."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from articles import detection, provenance
from articles.importers import import_file
from articles.models import BoilerplateSuggestion, ReuseFingerprint, ReuseLink, ReuseScan
from articles.tasks import detect_reuse
from tests.factories import ArticleFactory, SourceFactory

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

SHARED = [
    "The council voted on Monday to cut the school budget by ten percent from next year.",
    "Teachers said the cut would force the closure of two village schools in the valley.",
]


def test_an_import_queues_detection_after_commit(
    db, seed_paths, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article = import_file(seed_paths[0]).articles[0]
    [result] = default_task_backend.results
    assert result.task.func == detect_reuse.func
    assert result.args == [[article.pk]]


def test_a_dry_run_import_queues_nothing(db, seed_paths, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        import_file(seed_paths[0], dry_run=True)
    assert default_task_backend.results == []


def test_imported_articles_are_linked_by_the_task(
    db, seed_paths, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.BOILERPLATE_MIN_ARTICLES = 2
    with django_capture_on_commit_callbacks(execute=True):
        first = import_file(seed_paths[0]).articles[0]
    with django_capture_on_commit_callbacks(execute=True):
        second = import_file(seed_paths[1]).articles[0]
    [link] = ReuseLink.objects.filter(earlier_article=first, later_article=second)
    assert link.kind == ReuseLink.Kind.EDITED
    assert BoilerplateSuggestion.objects.filter(article=first).count() == 8
    assert ReuseScan.objects.count() == 2


def test_the_older_article_is_the_earlier_side_whatever_the_import_order(db):
    newer = ArticleFactory(published_on=datetime.date(2020, 5, 2), paragraphs=[" ".join(SHARED)])
    detection.detect([newer.pk])
    older = ArticleFactory(published_on=datetime.date(2020, 5, 1), paragraphs=SHARED)
    assert detection.detect([older.pk]) == 1
    assert {(link.earlier_article, link.later_article) for link in ReuseLink.objects.all()} == {
        (older, newer)
    }
    [related] = provenance.related_articles(newer)
    assert (related.article, related.passages, related.is_earlier) == (older, 1, True)
    assert [r.article for r in provenance.provenance_chain(newer).earlier] == [older]
    assert provenance.provenance_chain(older).earlier == []


def test_scanning_again_replaces_instead_of_adding(db):
    a = ArticleFactory(paragraphs=SHARED)
    b = ArticleFactory(paragraphs=SHARED)
    detection.detect([a.pk, b.pk])
    links, fingerprints = ReuseLink.objects.count(), ReuseFingerprint.objects.count()
    detection.detect([a.pk, b.pk])
    assert (ReuseLink.objects.count(), ReuseFingerprint.objects.count()) == (links, fingerprints) == (1, 16)


def test_deleted_articles_are_neither_linked_nor_shown(db):
    a = ArticleFactory(paragraphs=SHARED)
    b = ArticleFactory(paragraphs=SHARED)
    detection.detect([a.pk])
    b.deleted_at = timezone.now()
    b.save()
    detection.detect([b.pk])
    c = ArticleFactory(paragraphs=SHARED)
    detection.detect([c.pk])
    assert {r.article for r in provenance.related_articles(c)} == {a}
    a.deleted_at = timezone.now()
    a.save()
    assert provenance.related_articles(c) == []


def test_boilerplate_that_appears_later_drops_its_old_links(db, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 3
    outlet = SourceFactory()
    footer = (
        "Support independent journalism with a monthly donation to our newsroom today. Every reader who "
        "gives keeps our reporters in the courts, the council chamber and the hospitals of the valley."
    )
    first = ArticleFactory(
        publisher=outlet, paragraphs=["The river flooded the old town on Sunday night.", footer]
    )
    second = ArticleFactory(
        publisher=outlet, paragraphs=["Prices of bread rose again in the capital.", footer]
    )
    detection.detect([first.pk, second.pk])
    assert ReuseLink.objects.count() == 1
    third = ArticleFactory(publisher=outlet, paragraphs=["The minister resigned after the vote.", footer])
    detection.detect([third.pk])
    assert ReuseLink.objects.count() == 0
    assert BoilerplateSuggestion.objects.count() == 3


def test_detect_reuse_scans_pending_articles_with_a_progress_bar(db):
    ArticleFactory(paragraphs=SHARED)
    ArticleFactory(paragraphs=SHARED)
    out, err = StringIO(), StringIO()
    call_command("detect_reuse", "--dry-run", stdout=out)
    assert out.getvalue() == "Would scan 2 articles.\n"
    assert ReuseScan.objects.count() == 0
    out = StringIO()
    call_command("detect_reuse", stdout=out, stderr=err)
    assert out.getvalue() == "Scanned 2 articles; they have 1 reuse link.\n"
    out = StringIO()
    call_command("detect_reuse", stdout=out, stderr=err)
    assert out.getvalue() == "Scanned 0 articles; they have 0 reuse links.\n"


def test_detect_reuse_rebuild_starts_over(db):
    ArticleFactory(paragraphs=SHARED)
    ArticleFactory(paragraphs=SHARED)
    call_command("detect_reuse", stdout=StringIO(), stderr=StringIO())
    first_ids = set(ReuseLink.objects.values_list("pk", flat=True))
    out, err = StringIO(), StringIO()
    call_command("detect_reuse", "--rebuild", stdout=out, stderr=err)
    assert out.getvalue() == "Scanned 2 articles; they have 1 reuse link.\n"
    assert ReuseLink.objects.count() == 1
    assert not first_ids & set(ReuseLink.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("flag", ["--rebuild", ""])
def test_the_progress_bar_can_be_turned_off(db, flag):
    ArticleFactory(paragraphs=SHARED)
    err = StringIO()
    call_command("detect_reuse", *filter(None, [flag, "--no-progress"]), stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
