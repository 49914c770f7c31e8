"""Transfer along reused passages: across paragraphs, through edits, and in rewritten text."""

from __future__ import annotations

import pytest

from annotator import transfer
from annotator.models import Annotation, AnnotationChange
from annotator.transfer import Status
from tests.factories import ArticleFactory

WIRE = [
    "Rebels shelled the northern districts of the city overnight, killing at least four civilians and",
    "wounding a dozen more, according to the regional health office, which gave no further details.",
]
REWRITTEN_SOURCE = (
    "Rebels shelled the northern districts of the city overnight, killing at least four civilians and "
    "wounding a dozen more, according to the regional health office, which gave no further details. The "
    "governor called the attack a war crime and asked the army to protect the markets. Shops stayed closed "
    "on Tuesday morning."
)
REWRITTEN_TARGET = (
    "Overnight rebel shelling of northern districts of the city killed four civilians, the regional health "
    "office said, and a dozen more were wounded in the attack. Calling it a war crime, the governor asked "
    "for army protection of the markets, where shops stayed closed on Tuesday morning."
)


@pytest.fixture
def split(db):
    """One paragraph of wire copy, and a later article that splits it in two after a line of its own."""
    return (
        ArticleFactory(paragraphs=[" ".join(WIRE), "The army did not comment."]),
        ArticleFactory(paragraphs=["Our correspondent reports.", *WIRE]),
    )


def test_spans_follow_a_passage_into_the_paragraph_their_words_went_to(split, analyst, annotate):
    source, target = split
    paragraph = source.paragraphs.get(position=0)
    annotate(paragraph, "killing at least four civilians", "reported_fact", reviewer=analyst)
    annotate(paragraph, "according to the regional health office", "attributed_claim", reviewer=analyst)
    items = transfer.preview(source=source, target=target, reviewer=analyst)
    first, second = target.paragraphs.get(position=1), target.paragraphs.get(position=2)
    assert [(i.status, i.paragraph, i.text) for i in items] == [
        (Status.EXACT, first, "killing at least four civilians"),
        (Status.EXACT, second, "according to the regional health office"),
    ]
    created = transfer.apply(source=source, target=target, reviewer=analyst)
    assert [(a.paragraph, a.start, a.quote) for a in created] == [
        (first, WIRE[0].index("killing"), "killing at least four civilians"),
        (second, WIRE[1].index("according"), "according to the regional health office"),
    ]
    assert list(
        AnnotationChange.objects.filter(article=target).order_by("pk").values_list("action", "annotation")
    ) == [("transfer", a.pk) for a in created]


def test_a_span_whose_words_the_target_splits_over_two_paragraphs_is_not_transferable(
    split, analyst, annotate
):
    source, target = split
    annotate(source.paragraphs.get(position=0), "civilians and wounding a dozen", reviewer=analyst)
    [item] = transfer.preview(source=source, target=target, reviewer=analyst)
    assert (item.status, item.paragraph) == (Status.MISSING, None)
    assert item.reason == (
        "In this article the quoted words run across two paragraphs; a span stays within one paragraph."
    )
    assert transfer.apply(source=source, target=target, reviewer=analyst) == []
    assert not Annotation.objects.filter(article=target).exists()


def test_spans_go_back_from_the_later_article_to_the_earlier(split, analyst, annotate):
    source, target = split
    annotate(target.paragraphs.get(position=2), "the regional health office", reviewer=analyst)
    [item] = transfer.preview(source=target, target=source, reviewer=analyst)
    assert (item.status, item.paragraph, item.text) == (
        Status.EXACT,
        source.paragraphs.get(position=0),
        "the regional health office",
    )
    assert item.start == " ".join(WIRE).index("the regional health office")


@pytest.fixture
def rewritten(db):
    return ArticleFactory(paragraphs=[REWRITTEN_SOURCE]), ArticleFactory(paragraphs=[REWRITTEN_TARGET])


def test_in_a_rewritten_passage_only_unchanged_quotes_transfer(rewritten, analyst, annotate):
    source, target = rewritten
    paragraph = source.paragraphs.get()
    annotate(paragraph, "a war crime", "attributed_claim", reviewer=analyst)
    annotate(paragraph, "killing at least four civilians", "reported_fact", reviewer=analyst)
    kept, lost = sorted(
        transfer.preview(source=source, target=target, reviewer=analyst), key=lambda i: i.status
    )
    assert (kept.status, kept.start, kept.text) == (
        Status.EXACT,
        REWRITTEN_TARGET.index("a war crime"),
        "a war crime",
    )
    assert (lost.status, lost.paragraph) == (Status.MISSING, None)
    assert lost.reason == transfer.QUOTE_REWRITTEN
    assert transfer.QUOTE_REWRITTEN.startswith("This passage was rewritten or summarised in this article")
    [created] = transfer.apply(source=source, target=target, reviewer=analyst)
    assert (created.quote, created.transferred_from) == ("a war crime", kept.span)
