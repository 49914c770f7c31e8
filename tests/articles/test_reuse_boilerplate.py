"""Boilerplate never eats reuse: which shared text is a publisher's frame, and which is reuse."""

from __future__ import annotations

import pytest

from articles import detection
from articles.importers import import_bytes
from articles.models import UNKNOWN_PUBLISHER, BoilerplateSuggestion, ReuseLink
from tests.factories import ArticleFactory, SourceFactory

CLOSING = (
    "In the end the committee agreed to publish every letter it had received, so that readers could judge "
    "the arguments of both sides for themselves before the vote in the spring."
)
FOOTER = (
    "Support independent journalism with a monthly donation to our newsroom today. Every reader who gives "
    "keeps our reporters in the courts, the council chamber and the hospitals of the valley."
)
BODIES = [
    "The river flooded the old town on Sunday night after three days of rain in the hills above it.",
    "Prices of bread rose again in the capital as the harvest failed for a second year in a row.",
    "The minister resigned after the vote, saying she could no longer defend the budget in parliament.",
]


@pytest.fixture
def min_articles(settings):
    settings.BOILERPLATE_MIN_ARTICLES = 3


def _plain(title: str, *paragraphs: str) -> bytes:
    return "\n\n".join([title, *paragraphs]).encode()


def test_articles_without_a_publisher_form_no_publisher_group(db, min_articles):
    ids = []
    for n, body in enumerate(BODIES):
        [article] = import_bytes(_plain(f"Letter {n}", body, CLOSING), name=f"letter{n}.txt").articles
        assert article.publisher.name == UNKNOWN_PUBLISHER
        ids.append(article.pk)
    detection.detect(ids)
    assert BoilerplateSuggestion.objects.count() == 0
    # The closing paragraph they share is reuse, linked from the earliest to each later one.
    links = ReuseLink.objects.order_by("later_article_id")
    assert [(link.earlier_article_id, link.later_article_id) for link in links] == [
        (ids[0], ids[1]),
        (ids[0], ids[2]),
        (ids[1], ids[2]),
    ]
    assert {link.later_text for link in links} == {CLOSING}


def test_a_footer_confirmed_for_one_publisher_is_not_reuse_in_another(db, min_articles):
    courier = SourceFactory(name="Valley Courier")
    own = [ArticleFactory(publisher=courier, paragraphs=[body, FOOTER]) for body in BODIES]
    detection.detect([a.pk for a in own])
    assert BoilerplateSuggestion.objects.filter(paragraph__text=FOOTER).count() == 3
    copier = ArticleFactory(publisher=SourceFactory(name="Hill Gazette"), paragraphs=[BODIES[0], FOOTER])
    detection.detect([copier.pk])
    [link] = ReuseLink.objects.filter(later_article=copier)
    assert (link.earlier_article, link.earlier_text, link.later_text) == (own[0], BODIES[0], BODIES[0])


def test_closing_text_shared_across_publishers_is_reuse(db, min_articles):
    wire, courier, gazette = (
        SourceFactory(name=n) for n in ("Valley Wire", "Valley Courier", "Hill Gazette")
    )
    articles = [
        ArticleFactory(publisher=publisher, paragraphs=[body, CLOSING])
        for publisher, body in zip((wire, courier, gazette), BODIES, strict=True)
    ]
    detection.detect([a.pk for a in articles])
    assert BoilerplateSuggestion.objects.count() == 0
    assert ReuseLink.objects.count() == 3
    starts = {(link.later_article_id, link.later_article_start) for link in ReuseLink.objects.all()}
    assert starts == {(articles[1].pk, len(BODIES[1]) + 2), (articles[2].pk, len(BODIES[2]) + 2)}
    assert {link.later_text for link in ReuseLink.objects.all()} == {CLOSING}
