"""The caches of reuse detection never change its results: edited texts are cut again, deleted articles are
not candidates, and the kept texts stay within their bound."""

from __future__ import annotations

import pytest
from django.utils import timezone

from articles import boilerplate, detection
from articles.models import Article, BoilerplateSuggestion, Paragraph, ReuseLink
from tests.articles.test_reuse_boilerplate import BODIES, FOOTER
from tests.factories import ArticleFactory, SourceFactory

STORY = (
    "The council voted on Tuesday evening to close the old swimming baths on Mill Lane after engineers found "
    "cracks in the roof beams, and the pool will stay shut until a new building is paid for by the town."
)


@pytest.fixture
def min_articles(settings):
    settings.BOILERPLATE_MIN_ARTICLES = 3


def test_a_paragraph_whose_text_changed_is_cut_into_sentences_again(db, min_articles):
    courier = SourceFactory(name="Valley Courier")
    articles = [ArticleFactory(publisher=courier, paragraphs=[body, FOOTER]) for body in BODIES]
    boilerplate.refresh(courier.pk)
    assert BoilerplateSuggestion.objects.count() == 3
    # A paragraph without spans may still be edited: the footer now recurs in two articles only.
    last = Paragraph.objects.filter(article=articles[-1]).order_by("position").last()
    Paragraph.objects.filter(pk=last.pk).update(text="Our reporter travelled with the support of a grant.")
    boilerplate.refresh(courier.pk)
    assert BoilerplateSuggestion.objects.count() == 0


def test_an_article_deleted_during_detection_is_no_candidate_of_the_next_scans(db):
    original = ArticleFactory(paragraphs=[STORY, BODIES[0]])
    copy = ArticleFactory(paragraphs=[BODIES[1], STORY])

    def delete_the_original(article: Article) -> None:
        if article.pk == original.pk:
            Article.objects.filter(pk=original.pk).update(deleted_at=timezone.now())

    detection.detect([original.pk, copy.pk], progress=delete_the_original)
    assert not ReuseLink.objects.exists()
    # Undeleted, it is found again.
    Article.objects.filter(pk=original.pk).update(deleted_at=None)
    detection.detect([original.pk, copy.pk])
    assert ReuseLink.objects.count() == 1


def test_the_kept_texts_stay_within_their_character_budget_and_give_the_same_links(db):
    articles = [ArticleFactory(paragraphs=[STORY, body]) for body in BODIES]
    ids = [a.pk for a in articles]
    sizes = [len(detection.Texts().get([aid])[aid].document.text) for aid in ids]
    texts = detection.Texts(characters=sizes[1] + sizes[2])
    assert set(texts.get(ids)) == set(ids)
    assert list(texts.kept) == ids[1:]
    # The most recently used are kept.
    texts.get(ids[1:2])
    texts.get(ids[:1])
    assert set(texts.kept) == {ids[1], ids[0]}
    assert texts.kept.currsize <= sizes[1] + sizes[2]
    kept = [detection.scan(a, texts=texts) for a in articles]
    detection.clear()
    assert [detection.scan(a) for a in articles] == kept == [0, 1, 2]


def test_a_text_larger_than_the_budget_is_used_but_not_kept(db):
    article = ArticleFactory(paragraphs=[STORY])
    texts = detection.Texts(characters=10)
    assert texts.get([article.pk])[article.pk].paragraphs[0][1] == STORY
    assert len(texts.kept) == 0


def test_a_kept_text_read_before_its_paragraph_changed_is_read_again_at_the_next_read_ahead(db):
    original = ArticleFactory(paragraphs=[STORY, BODIES[0]])
    copy = ArticleFactory(paragraphs=[BODIES[1], STORY])
    texts = detection.Texts(characters=100_000)
    detection.scan(original, texts=texts)
    assert original.pk in texts.kept
    # Meanwhile, in the admin, the story paragraph of the original is rewritten (it has no spans).
    story = original.paragraphs.get(position=0)
    Paragraph.objects.filter(pk=story.pk).update(text=BODIES[2])
    texts.read_ahead([copy.pk])
    assert original.pk not in texts.kept
    assert detection.scan(copy, texts=texts) == 0


def test_a_kept_text_is_read_again_once_boilerplate_is_suggested_in_it(db):
    original = ArticleFactory(paragraphs=[STORY, BODIES[0]])
    copy = ArticleFactory(paragraphs=[BODIES[1], STORY])
    texts = detection.Texts(characters=100_000)
    detection.scan(original, texts=texts)
    story = original.paragraphs.get(position=0)
    # Another process's refresh now takes the story for boilerplate of the original's outlet.
    BoilerplateSuggestion.objects.create(
        article=original, paragraph=story, start=0, end=len(STORY), occurrences=3
    )
    texts.read_ahead([copy.pk])
    assert detection.scan(copy, texts=texts) == 0


def test_the_sentence_cache_is_bounded_by_characters():
    cache = boilerplate._sentences.cache
    assert cache.maxsize == boilerplate.SENTENCE_CHARACTERS_KEPT
    assert cache.getsizeof(boilerplate._sentences(0, STORY)) == len(STORY)
