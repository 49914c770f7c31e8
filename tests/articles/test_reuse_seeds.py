"""Reuse detection on the seeds: a repost (first seed) and its longer edited version a day later (second)."""

from __future__ import annotations

import pytest

from articles import detection
from articles.importers import import_file
from articles.models import ReuseLink


@pytest.fixture
def seeds(db, seed_paths):
    first, second = (import_file(path).articles[0] for path in seed_paths)
    detection.detect([first.pk, second.pk])
    return first, second


def _links(first, second) -> list[ReuseLink]:
    return list(
        ReuseLink.objects.filter(earlier_article=first, later_article=second).select_related(
            "earlier_paragraph", "later_paragraph"
        )
    )


def test_shared_sentences_are_linked_with_their_ranges(seeds):
    first, second = seeds
    links = {(link.earlier_text, link.later_text): link for link in _links(first, second)}
    sentence = (
        "On December 9, clashes continued in the area with Syrian troops were successfully repelling further "
        "ISIS attempts to deploy closer to the ancient city."
    )
    link = links[(sentence, sentence)]
    assert link.kind == ReuseLink.Kind.IDENTICAL
    assert link.earlier_paragraph.text == sentence
    assert (link.earlier_start, link.earlier_end) == (0, len(sentence))
    assert link.later_paragraph.text.startswith(sentence + " Since the start")
    assert (link.later_start, link.later_end) == (0, len(sentence))


def test_the_edited_highway_sentence_is_near_identical(seeds):
    first, second = seeds
    [link] = [link for link in _links(first, second) if "highway" in link.earlier_text]
    assert link.kind == ReuseLink.Kind.NEAR_IDENTICAL
    assert link.earlier_text.endswith("cutting off the Homs-Al-Salamiyah-Palmyra highway.")
    assert link.later_text.endswith("cutting off the Homs-Palmyra highway.")
    later = link.later_paragraph.text
    assert later[link.later_start : link.later_end] == link.later_text
    assert later.index("The tactical goal") == link.later_start
    assert 0.8 <= link.score < 1


def test_the_added_paragraphs_are_unlinked(seeds):
    first, second = seeds
    linked = {link.later_paragraph_id for link in _links(first, second)}
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
    assert not linked & {p.pk for p in added}
