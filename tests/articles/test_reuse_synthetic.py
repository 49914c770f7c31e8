"""Precision and recall of reuse detection on a small synthetic corpus with planted reuse.

The same generator, at 1,000 and 10,000 articles, feeds `bench/bench_reuse.py`.
"""

from __future__ import annotations

import pytest

from articles import detection, passages
from articles.models import BoilerplateSuggestion, ReuseLink
from bench.reuse_corpus import evaluate, findable, generate, kinds_planted, sentence_ranges, store


@pytest.fixture(scope="module")
def corpus():
    return generate(150, seed=11)


def test_the_generator_plants_every_kind(corpus):
    _, planted = corpus
    counts = kinds_planted(planted)
    assert set(counts) == {"identical", "near_identical", "partial"}
    assert min(counts.values()) >= 10


def test_planted_reuse_is_found_with_high_precision_and_recall(db, corpus, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    articles, planted = corpus
    ids = store(articles)
    detection.detect(ids)
    # A copied sentence shorter than a passage's minimum is a fragment: never linked, so not counted.
    long_enough = findable(articles, planted, passages.MIN_SHARED_WORDS)
    assert len(long_enough) >= 0.8 * len(planted)
    scores = {score.kind: score for score in evaluate(articles, ids, long_enough)}
    near = scores["near_identical"]
    assert near.precision == 1.0 and near.recall >= 0.85, near
    for kind in ("identical", "partial", "any"):
        assert scores[kind].precision == 1.0 and scores[kind].recall >= 0.85, scores[kind]
    assert scores["any"].recall >= 0.95, scores["any"]
    # Each outlet's footer is boilerplate, never reuse.
    assert BoilerplateSuggestion.objects.count() == 2 * len(articles)


def test_a_quote_links_just_the_quoted_words_in_the_longer_sentence(db, corpus, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    articles, planted = corpus
    ids = store(articles)
    detection.detect(ids)
    quotes = [p for p in findable(articles, planted, passages.MIN_SHARED_WORDS) if p.kind == "partial"]
    exact = checked = 0
    for p in quotes:
        (a, *original), (b, *copy) = p.original, p.copy
        start, end = sentence_ranges(articles[b])[tuple(copy)]
        inside = ReuseLink.objects.filter(
            earlier_article=ids[a],
            later_article=ids[b],
            later_article_start__gte=start,
            later_article_end__lte=end,
        )
        for link in inside:
            # The generator quotes an earlier sentence, without its full stop and lower-cased.
            quoted = articles[a].paragraphs[original[0]][original[1]]
            assert quoted in link.earlier_text
            assert quoted[0].lower() + quoted[1:-1] in link.later_text
            exact += (link.earlier_text, link.later_text) == (quoted, quoted[0].lower() + quoted[1:-1])
            checked += 1
    assert checked >= 0.8 * len(quotes)
    assert exact >= 0.8 * checked, (exact, checked)
