"""Boilerplate suggestions: text recurring across one publisher's articles, where boilerplate sits."""

from __future__ import annotations

import datetime

import pytest

from articles import boilerplate, detection
from articles.importers import import_file
from articles.models import BoilerplateSuggestion, ReuseLink
from tests.factories import ArticleFactory, SourceFactory

FOOTER = "Copyright © Example News, 2016."
DISCLAIMER = (
    "Disclaimer: the contents are the sole responsibility of the authors. The Centre will not be responsible "
    "for any inaccurate or incorrect statement in this article."
)


def _texts(*articles: list[str]) -> dict[int, list[tuple[int, str]]]:
    return {
        aid: [(aid * 100 + i, text) for i, text in enumerate(paras)] for aid, paras in enumerate(articles, 1)
    }


def _suggested(found, texts) -> dict[int, list[str]]:
    by_id = {pid: text for paras in texts.values() for pid, text in paras}
    return {aid: [by_id[s.paragraph][s.start : s.end] for s in items] for aid, items in found.items()}


def test_closing_paragraphs_recurring_across_articles_are_suggested():
    texts = _texts(
        ["The council met on Monday.", "It voted on the budget.", FOOTER, DISCLAIMER],
        ["A storm hit the coast.", "Trees fell on the road.", FOOTER, DISCLAIMER],
    )
    found = _suggested(boilerplate.find(texts, min_articles=2), texts)
    assert found == {1: [FOOTER, DISCLAIMER], 2: [FOOTER, DISCLAIMER]}


def test_the_threshold_is_a_number_of_articles():
    texts = _texts(
        ["The council met on Monday.", FOOTER],
        ["A storm hit the coast.", FOOTER],
    )
    assert _suggested(boilerplate.find(texts, min_articles=3), texts) == {1: [], 2: []}


def test_a_cut_off_copy_is_still_recognised():
    cut = "not be responsible for any inaccurate or incorrect statement in this article."
    texts = _texts(
        ["The council met on Monday.", FOOTER, DISCLAIMER],
        ["A storm hit the coast.", FOOTER, cut],
    )
    found = _suggested(boilerplate.find(texts, min_articles=2), texts)
    assert found == {1: [FOOTER, DISCLAIMER], 2: [FOOTER, cut]}


def test_shared_body_text_of_a_republication_is_not_boilerplate():
    shared = "Syrian troops repelled further attempts to deploy closer to the ancient city."
    texts = _texts(
        [shared, "Only the first article says this.", FOOTER],
        ["The second one opens differently.", shared, "And closes with its own words.", FOOTER],
    )
    found = _suggested(boilerplate.find(texts, min_articles=2), texts)
    assert found == {1: [FOOTER], 2: [FOOTER]}


def test_a_recurring_sentence_closing_the_last_body_paragraph_is_suggested():
    appeal = "Please support our work with a donation today."
    texts = _texts(
        ["The council met on Monday and voted on the budget for the coming year. " + appeal],
        ["A storm hit the coast and trees fell on the road between the two towns. " + appeal],
    )
    assert _suggested(boilerplate.find(texts, min_articles=2), texts) == {1: [appeal], 2: [appeal]}


def test_an_article_that_recurs_entirely_gets_no_suggestions():
    texts = _texts(["Same text here, word for word.", FOOTER], ["Same text here, word for word.", FOOTER])
    assert _suggested(boilerplate.find(texts, min_articles=2), texts) == {1: [], 2: []}


def test_refresh_stores_suggestions_per_publisher_and_keeps_unchanged_rows(db):
    outlet = SourceFactory(name="Example News")
    other = SourceFactory(name="Elsewhere")
    first = ArticleFactory(publisher=outlet, paragraphs=["The council met on Monday.", FOOTER])
    ArticleFactory(publisher=other, paragraphs=["A storm hit the coast.", FOOTER])
    assert boilerplate.refresh(outlet.pk) == []
    second = ArticleFactory(publisher=outlet, paragraphs=["A storm hit the coast.", FOOTER])
    created = boilerplate.refresh(outlet.pk)
    assert len(created) == 2
    kept = set(BoilerplateSuggestion.objects.values_list("pk", flat=True))
    ArticleFactory(publisher=outlet, paragraphs=["Prices rose again.", FOOTER])
    assert len(boilerplate.refresh(outlet.pk)) == 1
    assert kept < set(BoilerplateSuggestion.objects.values_list("pk", flat=True))
    assert {s.article_id: s.text for s in BoilerplateSuggestion.objects.filter(pk__in=kept)} == {
        first.pk: FOOTER,
        second.pk: FOOTER,
    }
    assert set(BoilerplateSuggestion.objects.values_list("occurrences", flat=True)) == {3}


@pytest.fixture
def seeds(db, seed_paths, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    first, second = (import_file(path).articles[0] for path in seed_paths)
    detection.detect([first.pk, second.pk])
    return first, second


def test_the_seeds_disclaimer_and_copyright_lines_are_suggested(seeds):
    first, second = seeds
    texts = {
        article.pk: [s.text for s in BoilerplateSuggestion.objects.filter(article=article)]
        for article in (first, second)
    }
    assert texts[first.pk] == [
        "The original source of this article is South Front",
        "Copyright © South Front, South Front, 2016",
        "Comment on Global Research Articles on our Facebook page",
        "Become a Member of Global Research",
        "Articles by: South Front",
        first.paragraphs.get(text__startswith="not be responsible").text,
        first.paragraphs.get(text__startswith="www.globalresearch.ca").text,
        "For media inquiries: publications@globalresearch.ca",
    ]
    assert any(text.startswith("Disclaimer: The contents of this article") for text in texts[second.pk])
    assert "Copyright © South Front, South Front, 2016" in texts[second.pk]
    assert not any("PayPal" in text for text in texts[second.pk])


def test_boilerplate_is_not_linked_as_reuse(seeds):
    first, second = seeds
    later = {link.later_text for link in ReuseLink.objects.filter(later_article=second)}
    assert "Copyright © South Front, South Front, 2016" not in later
    assert not any("Global Research" in text for text in later)


def test_a_republication_ending_on_the_originals_body_text_keeps_it_as_news():
    shared = "The council voted on Monday to cut the school budget by ten percent from next year."
    texts = _texts(
        [shared, "Only the first article says this.", FOOTER],
        ["The second one opens differently.", shared, FOOTER],
    )
    assert _suggested(boilerplate.find(texts, min_articles=2), texts) == {1: [FOOTER], 2: [FOOTER]}


def test_refresh_compares_chronological_windows_so_one_new_article_costs_the_same(db, monkeypatch):
    monkeypatch.setattr(boilerplate, "WINDOW", 3)
    outlet = SourceFactory(name="Example News")
    for day in range(1, 8):
        ArticleFactory(
            publisher=outlet,
            published_on=datetime.date(2020, 1, day),
            paragraphs=[f"Story {day}: the council argued about the budget of school number {day}.", FOOTER],
        )
    assert len(boilerplate.refresh(outlet.pk)) == 7
    new = ArticleFactory(
        publisher=outlet, published_on=datetime.date(2020, 2, 1), paragraphs=["The harbour froze.", FOOTER]
    )
    footer = new.paragraphs.get(text=FOOTER)
    assert boilerplate.refresh(outlet.pk, [new.pk]) == [(footer.pk, 0, len(FOOTER))]
    assert BoilerplateSuggestion.objects.count() == 8
