"""Precision and recall of reuse detection on a small synthetic corpus with planted reuse.

The same generator, at 1,000 and 10,000 articles, feeds `bench/bench_reuse.py`.
"""

from __future__ import annotations

import pytest

from articles import detection
from articles.models import BoilerplateSuggestion, ReuseLink
from bench.reuse_corpus import evaluate, generate, kinds_planted, store


@pytest.fixture(scope="module")
def corpus():
    return generate(150, seed=11)


def test_the_generator_plants_every_kind(corpus):
    _, planted = corpus
    counts = kinds_planted(planted)
    assert set(counts) == {"identical", "near_identical", "partial"}
    assert min(counts.values()) >= 10


def test_near_identical_sentences_are_found_with_high_precision_and_recall(db, corpus, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    articles, planted = corpus
    ids = store(articles)
    detection.detect(ids)
    scores = {score.kind: score for score in evaluate(articles, ids, planted)}
    near = scores["near_identical"]
    assert near.precision == 1.0 and near.recall >= 0.95, near
    for kind in ("identical", "partial", "any"):
        assert scores[kind].precision == 1.0 and scores[kind].recall >= 0.9, scores[kind]
    # Each outlet's footer is boilerplate, never reuse.
    assert BoilerplateSuggestion.objects.count() == 2 * len(articles)


def test_a_partial_link_covers_just_the_quoted_sentence_in_the_longer_one(db, corpus, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    articles, planted = corpus
    detection.detect(store(articles))
    partial = list(ReuseLink.objects.filter(kind=ReuseLink.Kind.PARTIAL))
    assert len(partial) == kinds_planted(planted)["partial"]
    # The generator quotes an earlier sentence, without its full stop and lower-cased, inside a later one.
    assert [link.later_text for link in partial] == [link.earlier_text.lower() for link in partial]
