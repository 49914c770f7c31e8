"""Concurrent span writes on PostgreSQL: real connections from several threads, no deadlock, no lost write."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from annotator import spans
from annotator.models import Annotation, AnnotationChange, Label
from tests.factories import ArticleFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the labels the migrations made
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT ... FOR UPDATE) exist only on PostgreSQL; SQLite locks the whole database",
    ),
]

BARRIER_TIMEOUT = 10


def run_in_threads(jobs: list[Callable[[], None]]) -> list[BaseException]:
    """Run each job in a thread with its own database connection; return what they raised."""
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # noqa: BLE001 - the test reports every failure, whatever its kind
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a span write hung"
    return errors


def tag_first_words(analyst, labels: list[Label], count: int) -> list[Annotation]:
    """One span per label, each on a paragraph of its own, so only labels could be shared between locks."""
    article = ArticleFactory(paragraphs=[f"Paragraph {i} says something." for i in range(count)])
    return [
        spans.create(paragraph=paragraph, label=labels[i % len(labels)], start=0, end=9, reviewer=analyst)
        for i, paragraph in enumerate(article.paragraphs.order_by("position"))
    ]


def test_crosswise_relabels_do_not_deadlock(monkeypatch):
    analyst = UserFactory(username="alice")
    first, second = Label.objects.all()[:2]
    span_a, span_b = tag_first_words(analyst, [first, second], 2)
    # Both transactions hold their lock before either writes: the interleaving that deadlocked when the lock
    # also took the span's label row, since a span's new label is then locked by the other transaction.
    both_locked = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    lock = spans._lock

    def lock_then_wait(*args, **kwargs) -> Annotation:
        current = lock(*args, **kwargs)
        both_locked.wait()
        return current

    monkeypatch.setattr(spans, "_lock", lock_then_wait)

    errors = run_in_threads(
        [
            lambda: spans.change(annotation=span_a, actor=analyst, version=1, label=second),
            lambda: spans.change(annotation=span_b, actor=analyst, version=1, label=first),
        ]
    )

    assert errors == []
    assert {(a.label, a.version) for a in Annotation.objects.filter(pk__in=[span_a.pk, span_b.pk])} == {
        (second, 2),
        (first, 2),
    }


def test_many_analysts_relabelling_crosswise_lose_no_update():
    labels = list(Label.objects.all()[:4])
    owner = UserFactory(username="alice")
    tagged = tag_first_words(owner, labels, 8)
    writers, rounds = 4, 10
    every_round = threading.Barrier(writers, timeout=BARRIER_TIMEOUT)

    def relabel(writer: int) -> Callable[[], None]:
        def job() -> None:
            for turn in range(rounds):
                every_round.wait()
                # Two writers share each span and every label, in opposite directions.
                span = tagged[(writer + turn) % len(tagged) // 2 * 2]
                label = labels[(writer + turn + 1) % len(labels)]
                note = f"writer {writer}, turn {turn}"
                spans.change(annotation=span, actor=owner, version=None, label=label, note=note)

        return job

    errors = run_in_threads([relabel(writer) for writer in range(writers)])

    assert errors == []
    changes = AnnotationChange.objects.filter(action=AnnotationChange.Action.CHANGE)
    assert changes.count() == writers * rounds
    for span in Annotation.objects.filter(pk__in=[a.pk for a in tagged]):
        # Every acknowledged change bumped the version once and left one history row: none overwrote another.
        assert span.version == 1 + changes.filter(annotation=span).count()
