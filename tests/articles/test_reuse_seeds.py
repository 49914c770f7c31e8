"""Reuse detection on the seeds: a repost (first seed) and its longer edited version a day later (second)."""

from __future__ import annotations

import pytest

from articles import detection
from articles.importers import import_file
from articles.models import ReuseLink
from articles.passages import Passage, article_text, word_edits


@pytest.fixture
def seeds(db, seed_paths):
    first, second = (import_file(path).articles[0] for path in seed_paths)
    detection.detect([first.pk, second.pk])
    return first, second


@pytest.fixture
def link(seeds) -> ReuseLink:
    first, second = seeds
    [link] = ReuseLink.objects.filter(earlier_article=first, later_article=second)
    return link


def _text(article) -> str:
    return article_text(list(article.paragraphs.order_by("position").values_list("text", flat=True)))


def test_the_reused_body_is_one_passage_across_paragraphs(seeds, link):
    first, second = seeds
    body = first.paragraphs.filter(position__lte=5).order_by("position")
    assert link.earlier_text == "\n\n".join(p.text for p in body)
    assert [(p.position, start, end) for p, start, end in link.paragraph_ranges("earlier")] == [
        (p.position, 0, len(p.text)) for p in body
    ]
    assert link.later_text.startswith("December 8 morning ISIS terrorists launched multiple offensives")
    assert link.later_text.endswith("the Russian Aerospace Force have intensified air raids in the area.")
    assert [(p.position, start, end) for p, start, end in link.paragraph_ranges("later")] == [
        (0, 0, len(second.paragraphs.get(position=0).text)),
        (1, 0, len(second.paragraphs.get(position=1).text)),
    ]
    assert _text(second)[link.later_article_start : link.later_article_end] == link.later_text
    sentence = (
        "On December 9, clashes continued in the area with Syrian troops were successfully repelling further "
        "ISIS attempts to deploy closer to the ancient city."
    )
    assert sentence in link.earlier_text and sentence in link.later_text


def test_the_edited_highway_sentence_shows_as_an_edit(seeds, link):
    first, second = seeds
    assert link.kind == ReuseLink.Kind.EDITED
    assert 0.6 <= link.similarity < 1
    earlier, later = _text(first), _text(second)
    passage = Passage(
        link.earlier_article_start,
        link.earlier_article_end,
        link.later_article_start,
        link.later_article_end,
        link.kind,
        link.similarity,
    )
    changes = {
        (earlier[e.a_start : e.a_end], later[e.b_start : e.b_end])
        for e in word_edits(earlier, later, passage)
        if e.op != "equal"
    }
    assert ("Al-Salamiyah", "") in changes
    highway = earlier.index("Homs-Al-Salamiyah-Palmyra highway")
    assert link.earlier_article_start < highway < link.earlier_article_end


def test_the_added_paragraphs_are_unlinked(seeds, link):
    first, second = seeds
    starts = (
        "The terrorist group claim",
        "On December 8, the",
        "Government forces",
        "Nonetheless",
        "The Aleppo decision",
        "Meanwhile",
        "If you",
    )
    added = [p for p in second.paragraphs.all() if p.text.startswith(starts)]
    assert len(added) == 7
    assert link.later_end_paragraph.position < min(p.position for p in added)


def test_the_footer_both_carry_is_not_linked(seeds, link):
    first, _ = seeds
    footer_start = first.paragraphs.get(text__startswith="The original source of this article")
    assert link.earlier_end_paragraph.position < footer_start.position
