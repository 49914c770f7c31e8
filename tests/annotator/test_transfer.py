"""Annotation transfer between two articles: re-anchoring by quote and context, preview, then apply."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotator import spans, transfer
from annotator.models import Annotation, AnnotationChange
from annotator.transfer import Status
from articles.importers import import_file
from tests.factories import ArticleFactory


@pytest.fixture
def seeds(db, seed_paths):
    return [import_file(path).articles[0] for path in seed_paths]


def _paragraph(article, start: str):
    return article.paragraphs.get(text__startswith=start)


def test_a_span_from_the_first_seed_lands_on_the_same_words_in_the_second(seeds, analyst, annotate):
    first, second = seeds
    quote = "clashes continued in the area with Syrian troops"
    span = annotate(_paragraph(first, "On December 9"), quote, "reported_fact", reviewer=analyst)
    [item] = transfer.preview(source=first, target=second, reviewer=analyst)
    assert item.status == Status.EXACT
    assert item.paragraph == _paragraph(second, "On December 9")
    assert item.text == quote
    [created] = transfer.apply(source=first, target=second, reviewer=analyst)
    assert (created.paragraph, created.quote, created.label.slug) == (item.paragraph, quote, "reported_fact")
    assert created.paragraph.text[created.start : created.end] == quote
    assert created.transferred_from == span
    change = AnnotationChange.objects.get(annotation=created)
    assert (change.action, change.actor, change.article) == ("transfer", analyst, second)


def test_a_span_on_edited_text_is_carried_over_with_its_edit(seeds, analyst, annotate):
    first, second = seeds
    annotate(
        _paragraph(first, "The tactical goal"),
        "cutting off the Homs-Al-Salamiyah-Palmyra highway",
        "speculation",
        reviewer=analyst,
    )
    [item] = transfer.preview(source=first, target=second, reviewer=analyst)
    assert item.status == Status.EDITED
    assert item.text == "cutting off the Homs-Palmyra highway"
    assert item.paragraph.text[item.start : item.end] == item.text
    assert ("deleted", "Homs-Al-Salamiyah-Palmyra") in item.diff
    assert ("inserted", "Homs-Palmyra") in item.diff


def test_a_span_without_counterpart_has_no_match(seeds, analyst, annotate):
    first, second = seeds
    annotate(
        _paragraph(first, "Is there a coordination"),
        "Is there a coordination",
        "speculation",
        reviewer=analyst,
    )
    [item] = transfer.preview(source=first, target=second, reviewer=analyst)
    assert item.status == Status.MISSING
    assert transfer.apply(source=first, target=second, reviewer=analyst) == []


def test_a_quote_found_only_in_an_unrelated_sentence_has_no_match(seeds, analyst, annotate):
    first, second = seeds
    quote = "“moderate opposition”"
    span = annotate(_paragraph(first, "The attack took place"), quote, "attributed_claim", reviewer=analyst)
    # The second seed uses the same words for a different claim, in a sentence the first seed does not have.
    assert "with the so-called “moderate opposition” and its Western" in _paragraph(second, "The Aleppo").text
    [item] = transfer.preview(source=first, target=second, reviewer=analyst)
    assert (item.status, item.paragraph, item.text) == (Status.MISSING, None, "")
    assert item.reason == "The quoted words appear in this article, but only in other sentences."
    assert transfer.apply(source=first, target=second, reviewer=analyst) == []
    with pytest.raises(ValidationError) as refused:
        transfer.apply(source=first, target=second, reviewer=analyst, span_ids={span.pk})
    assert refused.value.messages == [
        "This span cannot be transferred: ““moderate opposition”” (no match in the target)."
    ]
    assert Annotation.objects.filter(article=second).count() == 0


def test_a_quote_on_edited_text_follows_its_sentence_not_the_same_words_elsewhere(seeds, analyst, annotate):
    first, second = seeds
    annotate(_paragraph(first, "On December 8 ISIS"), "On December 8", "reported_fact", reviewer=analyst)
    # "On December 8, the Syrian army..." in the second seed is another day's report, not this sentence.
    assert _paragraph(second, "On December 8, the Syrian army")
    [item] = transfer.preview(source=first, target=second, reviewer=analyst)
    assert item.status == Status.EDITED
    assert item.paragraph == _paragraph(second, "December 8 morning")
    assert (item.start, item.text) == (0, "December 8")
    assert item.diff == [("deleted", "On"), ("same", "December 8")]


def test_common_words_in_a_rewritten_sentence_do_not_jump_to_another_sentence(db, analyst, labels):
    source = ArticleFactory(
        paragraphs=[
            "Officials said the talks had collapsed on Monday after a night of heavy shelling along the "
            "northern front."
        ]
    )
    target = ArticleFactory(
        paragraphs=[
            "Officials said the negotiations had collapsed on Monday after a night of heavy shelling "
            "along the northern front. Diplomats hope the talks resume in Geneva."
        ]
    )
    paragraph = source.paragraphs.get()
    start = paragraph.text.index("the talks")
    spans.create(paragraph=paragraph, label="reported_fact", start=start, end=start + 9, reviewer=analyst)
    [item] = transfer.preview(source=source, target=target, reviewer=analyst)
    assert item.status == Status.EDITED
    assert (item.start, item.text) == (15, "the negotiations")


SHORT_SENTENCE = "The talks failed. Both sides blamed each other for the collapse of the ceasefire."


@pytest.mark.parametrize(
    ("target_text", "status", "landed"),
    [
        # Too short for the reuse alignment to match, but its neighbourhood is the same text, lightly edited.
        (
            "The talks failed. Both sides blamed one another for the collapse of the ceasefire.",
            Status.EXACT,
            0,
        ),
        # The words are there only as the start of an unrelated sentence.
        (
            "Both sides blamed each other for the collapse of the ceasefire. The talks resume in Geneva.",
            Status.MISSING,
            None,
        ),
    ],
)
def test_a_short_quote_outside_any_reused_sentence_needs_its_context(
    db, analyst, labels, target_text, status, landed
):
    source = ArticleFactory(paragraphs=[SHORT_SENTENCE])
    target = ArticleFactory(paragraphs=[target_text])
    spans.create(paragraph=source.paragraphs.get(), label="reported_fact", start=0, end=9, reviewer=analyst)
    [item] = transfer.preview(source=source, target=target, reviewer=analyst)
    assert (item.status, item.start) == (status, landed)
    created = transfer.apply(source=source, target=target, reviewer=analyst)
    assert [(a.start, a.quote) for a in created] == ([(0, "The talks")] if landed == 0 else [])


def test_the_quote_occurrence_with_the_best_context_wins(db, analyst, labels):
    source = ArticleFactory(paragraphs=["In March the army said no. In May the army said yes."])
    target = ArticleFactory(
        paragraphs=["Back in March the army said no. Then in May the army said yes, again."]
    )
    paragraph = source.paragraphs.get()
    start = paragraph.text.index("the army said", 10)
    spans.create(paragraph=paragraph, label="attributed_claim", start=start, end=start + 13, reviewer=analyst)
    [item] = transfer.preview(source=source, target=target, reviewer=analyst)
    text = target.paragraphs.get().text
    assert item.status == Status.EXACT
    assert (item.start, item.text) == (text.index("the army said", 20), "the army said")


def test_transferring_twice_neither_duplicates_nor_overwrites(seeds, analyst, colleague, annotate):
    first, second = seeds
    quote = "ISIS terrorists launched multiple offensives"
    annotate(_paragraph(first, "On December 8"), quote, "reported_fact", reviewer=analyst)
    mine = annotate(
        _paragraph(second, "December 8 morning"), quote, "reported_fact", reviewer=analyst, note="mine"
    )
    theirs = annotate(_paragraph(second, "December 8 morning"), quote, "reported_fact", reviewer=colleague)
    [item] = transfer.preview(source=first, target=second, reviewer=analyst)
    assert item.status == Status.PRESENT
    assert transfer.apply(source=first, target=second, reviewer=analyst) == []
    assert Annotation.objects.filter(article=second).count() == 2
    mine.refresh_from_db()
    assert (mine.note, mine.version) == ("mine", 1)
    assert theirs.reviewer == colleague


def test_only_the_chosen_spans_are_transferred_and_bad_choices_write_nothing(
    seeds, analyst, colleague, annotate
):
    first, second = seeds
    p = _paragraph(first, "On December 9")
    keep = annotate(p, "clashes continued", "reported_fact", reviewer=analyst)
    annotate(p, "the ancient city", "reported_fact", reviewer=analyst)
    missing = annotate(_paragraph(first, "Is there"), "Western backers", "speculation", reviewer=analyst)
    foreign = annotate(p, "Syrian troops", "reported_fact", reviewer=colleague)
    with pytest.raises(ValidationError) as not_mine:
        transfer.apply(source=first, target=second, reviewer=analyst, span_ids={keep.pk, foreign.pk})
    assert not_mine.value.messages == [f"These spans are not yours in this article: {foreign.pk}."]
    with pytest.raises(ValidationError) as refused:
        transfer.apply(source=first, target=second, reviewer=analyst, span_ids={keep.pk, missing.pk})
    assert refused.value.messages == [
        "This span cannot be transferred: “Western backers” (no match in the target)."
    ]
    assert Annotation.objects.filter(article=second).count() == 0
    [created] = transfer.apply(source=first, target=second, reviewer=analyst, span_ids={keep.pk})
    assert created.quote == "clashes continued"


def test_an_article_cannot_transfer_onto_itself(db, analyst):
    article = ArticleFactory()
    with pytest.raises(ValidationError, match="Choose two different articles"):
        transfer.preview(source=article, target=article, reviewer=analyst)
