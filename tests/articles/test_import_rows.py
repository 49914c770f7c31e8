"""The importer writes rows with one executemany; they must equal what the ORM writes."""

import datetime

from django.db import connection

from articles.importers import store
from articles.models import Article, Paragraph
from tests.factories import ArticleFactory, SourceFactory, UserFactory

ROWS = [
    (0, "Plain “quoted” text ’ ©.", []),
    (1, "A link to Ünïcode.", [{"start": 10, "end": 17, "url": "https://example.org/ü?q=1&r=2"}]),
    (
        2,
        "Two links: a b",
        [{"start": 11, "end": 12, "url": "http://a.org"}, {"start": 13, "end": 14, "url": "mailto:b@c"}],
    ),
]


def stored(table: str, where: str, pk: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where} = %s ORDER BY id", [pk])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_paragraph_rows_equal_what_bulk_create_writes(db):
    ours, theirs = ArticleFactory(paragraphs=[]), ArticleFactory(paragraphs=[])
    assert store.write_paragraphs((ours.pk, position, text, links) for position, text, links in ROWS) == 3
    Paragraph.objects.bulk_create(
        Paragraph(article=theirs, position=position, text=text, links=links) for position, text, links in ROWS
    )
    ignore = {"id", "article_id"}
    ours_rows = [
        {k: v for k, v in row.items() if k not in ignore}
        for row in stored("articles_paragraph", "article_id", ours.pk)
    ]
    theirs_rows = [
        {k: v for k, v in row.items() if k not in ignore}
        for row in stored("articles_paragraph", "article_id", theirs.pk)
    ]
    assert ours_rows == theirs_rows
    assert list(ours.paragraphs.values_list("position", "text", "links")) == ROWS


def test_article_rows_equal_what_save_writes(db):
    publisher, original, user = SourceFactory(), SourceFactory(), UserFactory()
    values = {
        "title": "Über “the” harbour",
        "byline": "Mara Quist",
        "publisher": publisher,
        "original_source": original,
        "published_on": datetime.date(2025, 3, 4),
        "url": "https://harbourledger.example/a",
        "raw_text": "Raw\r\ntext ©",
        "imported_by": user,
    }
    ours = Article(checksum="a" * 64, **values)
    store.insert_objects([ours])
    theirs = Article.objects.create(checksum="b" * 64, **values)
    [ours_row] = stored("articles_article", "checksum", "a" * 64)
    [theirs_row] = stored("articles_article", "id", theirs.pk)
    ignore = {"id", "checksum", "imported_at"}
    assert {k: v for k, v in ours_row.items() if k not in ignore} == {
        k: v for k, v in theirs_row.items() if k not in ignore
    }
    assert Article.objects.get(checksum="a" * 64).imported_at is not None
