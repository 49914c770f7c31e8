"""Corpus invariants held by the database, and the span offsets the database refuses."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from annotator.models import Annotation
from articles.models import Article, Paragraph, Source, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_the_checksum_depends_on_every_paragraph_and_their_order():
    assert Article.checksum_of(["a", "b"]) == Article.checksum_of(["a", "b"])
    assert len({Article.checksum_of(p) for p in (["a", "b"], ["b", "a"], ["a b"], ["a", "b", ""])}) == 4


@pytest.mark.parametrize(
    "make",
    [
        lambda article: Article.objects.create(
            title="x", publisher=article.publisher, checksum=article.checksum
        ),
        lambda article: Paragraph.objects.create(article=article, position=0, text="again"),
        lambda article: Source.objects.create(name="Other", slug=article.publisher.slug),
        lambda article: Tag.objects.bulk_create(
            [Tag(kind="theme", name="Water"), Tag(kind="theme", name="Water")]
        ),
    ],
    ids=["article checksum", "paragraph position", "source slug", "tag kind and name"],
)
def test_the_database_refuses_duplicates(article, make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(article)


def test_visible_articles_leave_out_soft_deleted_ones():
    kept, gone = (
        ArticleFactory(),
        ArticleFactory(deleted_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)),
    )
    assert list(Article.objects.visible()) == [kept]
    assert Article.objects.filter(pk=gone.pk).exists()


def test_a_paragraph_nothing_points_into_may_be_corrected(article, annotate):
    first, second = article.paragraphs.order_by("position")[:2]
    annotate(second, "mayor")
    first.text = "An unanchored paragraph may still be corrected."
    first.save()
    first.refresh_from_db()
    assert first.text == "An unanchored paragraph may still be corrected."


def test_the_database_refuses_a_negative_start(article, analyst, labels):
    paragraph = article.paragraphs.get(position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(
            article=article, paragraph=paragraph, start=-1, end=3, quote="On", label=labels["reported_fact"],
            reviewer=analyst,
        )  # fmt: skip
    assert Annotation.objects.count() == 0
