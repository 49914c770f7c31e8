"""Boilerplate suggestions: text recurring across one publisher's articles, where boilerplate sits."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import articles
from articles import boilerplate, detection
from articles.importers import import_file, import_files
from articles.models import Article, BoilerplateSuggestion, Paragraph, ReuseLink, Source
from tests.factories import ArticleFactory, SourceFactory

FOOTER = "Copyright © Example News, 2016."
DISCLAIMER = (
    "Disclaimer: the contents are the sole responsibility of the authors. The Centre will not be responsible "
    "for any inaccurate or incorrect statement in this article."
)
DEMO_CORPUS = Path(articles.__file__).parent / "demo"


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


APPEAL = "If you value independent reporting, please support the Ledger with a donation today."


def test_a_short_credit_line_after_the_footer_does_not_hide_it():
    texts = _texts(
        ["The council met on Monday.", APPEAL, "Reporting by Mara Quist; editing by Jonas Brell."],
        ["A storm hit the coast.", APPEAL, "Reporting by Jonas Brell.", "Published 10 March 2025."],
        ["Prices rose again.", APPEAL, "Reporting by Ole Marten in Port Alder."],
    )
    found = _suggested(boilerplate.find(texts, min_articles=2), texts)
    assert found == {1: [APPEAL], 2: [APPEAL], 3: [APPEAL]}


def test_only_a_short_tail_is_passed_over():
    long_ending = (
        "The mayor said the harbour would stay in public hands, that the lease could be ended after ten "
        "years, and that the council would publish every annex of the contract before the summer recess."
    )
    credits = ["Reporting by Mara Quist.", "Editing by Jonas Brell.", "Published 10 March 2025."]
    texts = _texts(
        ["The council met on Monday.", APPEAL, long_ending + " It gave no date."],
        ["A storm hit the coast.", APPEAL, *credits],
    )
    assert _suggested(boilerplate.find(texts, min_articles=2), texts) == {1: [], 2: []}


def test_closing_text_shared_only_by_versions_of_one_story_is_not_boilerplate():
    story = [
        "On Tuesday the dockworkers' union announced a strike ballot over the lease of the terminal.",
        "Councillors received the 214-page contract only three days before the vote.",
    ]
    question = "Is the council quietly preparing to hand the entire waterfront to one company?"
    texts = _texts(
        [*story, question, FOOTER, DISCLAIMER],
        [*story, "Two container ships were reported waiting at anchor outside the breakwater.", question]
        + [FOOTER, DISCLAIMER],
        [
            "Police arrested eleven people at Pier Nine late on Monday after a night protest.",
            FOOTER,
            DISCLAIMER,
        ],
    )
    found = _suggested(boilerplate.find(texts, min_articles=2), texts)
    assert found == {1: [FOOTER, DISCLAIMER], 2: [FOOTER, DISCLAIMER], 3: [FOOTER, DISCLAIMER]}


def _demo_suggestions(publisher: str) -> dict[str, list[str]]:
    return {
        article.title: [s.text for s in BoilerplateSuggestion.objects.filter(article=article)]
        for article in Article.objects.filter(publisher__name=publisher).order_by("published_on")
    }


@pytest.fixture
def demo(db, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    reports = list(import_files(sorted(DEMO_CORPUS.glob("*.txt"))))
    assert [report.error for report in reports] == [None] * 7
    for source in Source.objects.all():
        boilerplate.refresh(source.pk)


def test_the_demo_outlets_appeal_above_its_credit_lines_is_suggested(demo):
    appeal = "If you value independent reporting from Port Alder, please support the Ledger: "
    suggested = _demo_suggestions("Harbour Ledger")
    assert len(suggested) == 3
    for title, texts in suggested.items():
        assert [text.split("https")[0] for text in texts] == [appeal, "© Harbour Ledger 2025."], title


def test_the_demo_repost_pairs_closing_question_is_not_suggested(demo):
    suggested = _demo_suggestions("Meridian Review")
    threat = suggested["Dockworkers Threaten Strike Over “Secret” Terminal Lease"]
    assert threat[0] == "The original source of this article is Harbour Ledger"
    assert "For media inquiries: desk@meridianreview.example" in threat
    assert len(threat) == 8
    assert not any("waterfront" in text for texts in suggested.values() for text in texts)


def test_a_full_refresh_finds_in_each_block_what_it_finds_with_the_block_before(db, monkeypatch, settings):
    # refresh reuses each block's sentences as the next block's context: it must not change what is found.
    monkeypatch.setattr(boilerplate, "WINDOW", 3)
    settings.BOILERPLATE_MIN_ARTICLES = 2
    outlet = SourceFactory(name="Example News")
    # The copyright line of the first block is back in the last article, too far away to count.
    closing = [[FOOTER]] * 3 + [[DISCLAIMER]] * 3 + [[DISCLAIMER.split(". ")[0] + "."], [DISCLAIMER, FOOTER]]
    stored = [
        ArticleFactory(
            publisher=outlet,
            published_on=datetime.date(2020, 1, day),
            paragraphs=[f"Story {day}: the council argued about the budget of school number {day}.", *ending],
        )
        for day, ending in enumerate(closing, 1)
    ]
    boilerplate.refresh(outlet.pk)
    ids = [a.pk for a in stored]
    expected = set()
    for start in range(0, len(ids), 3):
        context = ids[max(0, start - 3) : start + 3]
        texts = {
            aid: list(Paragraph.objects.filter(article_id=aid).values_list("pk", "text")) for aid in context
        }
        found = boilerplate.find(texts, min_articles=2)
        expected |= {(aid, s.paragraph, s.start, s.end) for aid in ids[start : start + 3] for s in found[aid]}
    stored_rows = BoilerplateSuggestion.objects.values_list("article_id", "paragraph_id", "start", "end")
    assert set(stored_rows) == expected
    assert [s.text for s in BoilerplateSuggestion.objects.filter(article=stored[-1])] == [DISCLAIMER]
    cut_copy = DISCLAIMER.split(". ")[0] + "."
    assert {s.text for s in BoilerplateSuggestion.objects.all()} == {FOOTER, DISCLAIMER, cut_copy}
