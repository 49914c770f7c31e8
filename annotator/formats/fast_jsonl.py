"""The jsonl export, fast: exactly the bytes of `jsonl.write(rows.iter_rows(queryset))`, on both databases.

`jsonl` is the default export and the one read in bulk (target: a million spans in under 5 s, within twice
a bare read of the same rows, the worker under 200 MB). The reference path cannot keep that: its joined
query through Django's per-value converters and its dict per span take more than twice as long as this
module over a million spans. So this module reads the span table alone, in the same order, straight
from the cursor, and per chunk of spans the chunk's articles and paragraphs: what a paragraph's spans share
(their article's fields, the paragraph's id and position) is serialised once per chunk, labels and
reviewers once, and a line is one bytes formatting with orjson calls for its own strings only.

Timestamps are the one difference between the databases: SQLite stores UTC text, which the query turns
into the JSON string orjson would write (see `_SqliteJsonTimestamp`); on PostgreSQL psycopg's own loader
reads them, in C, to the datetimes Django's gives (the session is in UTC, and Django's loader only
re-attaches that zone).

This module is a writer of every field: one added to the export (`span_records.SpanRecordSerializer`, whence
`rows.FIELDS`) is added here too, to `_LINE` (a field of the span) or to `_ChunkArticles.load` (of its
article or paragraph). tests/api/test_export_fast_jsonl.py
compares the bytes of both paths over a varied data set, so a field forgotten here fails there.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import BinaryField, Func, QuerySet
from psycopg.types.datetime import TimestamptzLoader

from annotator.formats.rows import CHUNK_SIZE, CONTEXT_LENGTH, PARAGRAPH_SEPARATOR
from annotator.models import Annotation, Label
from articles.models import Article, Paragraph

_LINE = (
    b'{"id":%d,%b%d,"end":%d,"article_start":%d,"article_end":%d,"quote":%b,"prefix":%b,"suffix":%b,'
    b'"label":%b,"reviewer":%b,"note":%b,"attributed_to":%b,"created_at":%b,"updated_at":%b}\n'
)


class _SqliteJsonTimestamp(Func):
    """A timestamp column as the JSON string (bytes) orjson writes for its UTC datetime.

    Django stores datetimes in SQLite as UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]`; orjson writes that time as
    `"YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00"`. Timestamps are ASCII: no JSON escaping.
    """

    arity = 1
    output_field = BinaryField()
    template = "CAST('\"' || replace(%(expressions)s, ' ', 'T') || '+00:00\"' AS BLOB)"


def write(queryset: QuerySet[Annotation], *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yield the jsonl export of the live spans in `queryset`, one piece per chunk of spans."""
    sqlite = connection.vendor == "sqlite"
    stamps = ("created_at", "updated_at")
    if sqlite:
        stamps = tuple(_SqliteJsonTimestamp(name) for name in stamps)
    spans = queryset.filter(deleted_at__isnull=True).order_by("paragraph_id", "id").values_list(
        "id", "article_id", "paragraph_id", "start", "end", "quote", "label_id", "reviewer_id", "note",
        "attributed_to", *stamps,
    )  # fmt: skip
    sql, params = spans.query.sql_with_params()
    dumps = orjson.dumps
    labels = {pk: dumps(slug) for pk, slug in Label.objects.values_list("pk", "slug")}
    reviewers: dict[int, bytes] = {}
    chunk_articles = _ChunkArticles()
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        if not sqlite:
            # Django's own loader parses them in Python, which triples the cost of the read.
            cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            paragraphs = chunk_articles.load({span[1] for span in chunk})
            new_reviewers = {span[7] for span in chunk} - reviewers.keys()
            for pk, username in (
                get_user_model().objects.filter(pk__in=new_reviewers).values_list("pk", "username")
            ):
                reviewers[pk] = dumps(username)
            lines = []
            for pk, _, paragraph_id, start, end, quote, label, reviewer, note, attributed_to, *times in chunk:
                paragraph = paragraphs.get(paragraph_id)
                if paragraph is None:
                    continue  # the article was deleted
                _, fragment, offset, text = paragraph
                created, updated = times if sqlite else (dumps(times[0]), dumps(times[1]))
                lines.append(
                    _LINE
                    % (
                        pk, fragment, start, end, offset + start, offset + end, dumps(quote),
                        dumps(text[max(0, start - CONTEXT_LENGTH) : start]),
                        dumps(text[end : end + CONTEXT_LENGTH]), labels[label], reviewers[reviewer],
                        dumps(note), dumps(attributed_to), created, updated,
                    )
                )  # fmt: skip
            if lines:
                yield b"".join(lines)


class _ChunkArticles:
    """The visible articles of one chunk of spans, as JSON fragments per paragraph."""

    def __init__(self) -> None:
        self.paragraphs: dict[int, tuple[int, bytes, int, str]] = {}

    def load(self, article_ids: set[int]) -> dict[int, tuple[int, bytes, int, str]]:
        """Return, per paragraph of the chunk's visible articles: its article, its JSON fields up to
        `"start":`, its offset in the article and its text. Articles continued from the previous chunk
        are not read again."""
        self.paragraphs = {pk: value for pk, value in self.paragraphs.items() if value[0] in article_ids}
        missing = article_ids - {value[0] for value in self.paragraphs.values()}
        articles = (
            Article.objects.visible()
            .filter(pk__in=missing)
            .values_list("pk", "title", "url", "checksum", "publisher__slug", "original_source__slug")
        )
        fragments = {
            pk: b'"article":%d,"article_title":%b,"article_url":%b,"article_checksum":%b,"publisher":%b,'
            b'"original_source":%b,' % (pk, *map(orjson.dumps, values))
            for pk, *values in articles
        }
        paragraphs = Paragraph.objects.filter(article_id__in=fragments.keys()).order_by(
            "article_id", "position"
        )
        offset, current = 0, None
        for pk, article_id, position, text in paragraphs.values_list("id", "article_id", "position", "text"):
            if article_id != current:
                offset, current = 0, article_id
            fragment = b'%b"paragraph":%d,"paragraph_position":%d,"start":' % (
                fragments[article_id],
                pk,
                position,
            )
            self.paragraphs[pk] = (article_id, fragment, offset, text)
            offset += len(text) + len(PARAGRAPH_SEPARATOR)
        return self.paragraphs
