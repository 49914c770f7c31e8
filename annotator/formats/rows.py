"""Export rows: one dict per live span with its article, paragraph, label and reviewer.

The spans stream from one chunked cursor (server-side on PostgreSQL) over the annotation table alone, in the
order of its paragraph index, so the database never sorts or materialises the result. For each chunk of
CHUNK_SIZE spans, one query reads the chunk's articles with their paragraphs and one reads its new
reviewers; labels are read once. So an export costs a few queries per chunk, never one per span, and
memory stays bounded by the chunk. (Joining those tables in the span query gives the same rows, but the
SQLite planner may then start from a small table and sort the whole result before the first row.)

The jsonl export, the default and the one read in bulk, skips the dicts: `iter_jsonl` writes the same
bytes straight from the chunk's rows and fragments serialised once per paragraph.

Article-level offsets count code points in the article text: its paragraphs in position order joined with
PARAGRAPH_SEPARATOR ("\\n\\n").
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import orjson
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import BinaryField, Func, QuerySet

from annotator.formats import Format, buffered
from annotator.models import Annotation, Label
from articles.gc_pause import cycle_collector_paused
from articles.models import Article, Paragraph

PARAGRAPH_SEPARATOR = "\n\n"
CONTEXT_LENGTH = 32
CHUNK_SIZE = 10_000  # on PostgreSQL each chunk costs round trips; 10k spans hold ~5 MB

FIELDS = (
    "id", "article", "article_title", "article_url", "article_checksum", "publisher", "original_source",
    "paragraph", "paragraph_position", "start", "end", "article_start", "article_end", "quote", "prefix",
    "suffix", "label", "reviewer", "note", "attributed_to", "created_at", "updated_at",
)  # fmt: skip
SPAN_COLUMNS = (
    "id", "article_id", "paragraph_id", "start", "end", "quote", "label_id", "reviewer_id", "note",
    "attributed_to", "created_at", "updated_at",
)  # fmt: skip
# The same rows as one joined query: what the benchmark reads as its baseline.
JOINED_COLUMNS = (
    "id", "article_id", "article__title", "article__url", "article__checksum", "article__publisher__slug",
    "article__original_source__slug", "paragraph_id", "paragraph__position", "start", "end", "quote",
    "label__slug", "reviewer__username", "note", "attributed_to", "created_at", "updated_at",
)  # fmt: skip


def exportable(queryset: QuerySet[Annotation] | None = None) -> QuerySet[Annotation]:
    """Return the live spans of visible articles in `queryset` (all of them by default)."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    return queryset.filter(deleted_at__isnull=True, article__deleted_at__isnull=True)


def joined_values(queryset: QuerySet[Annotation]) -> QuerySet:
    """Return the export's rows as one joined query, in export order (the benchmark's bare read)."""
    return exportable(queryset).order_by("paragraph_id", "id").values_list(*JOINED_COLUMNS)


class _Chunk:
    """What the spans of one chunk point at: articles (with paragraphs) and reviewers."""

    def __init__(self) -> None:
        self.articles: dict[int, tuple] = {}
        self.paragraphs: dict[int, tuple[int, int, str]] = {}
        self.texts: dict[int, list[str]] = {}
        self.joined: dict[int, str] = {}
        self.users: dict[int, str] = {}

    def load(self, article_ids: set[int], user_ids: set[int]) -> None:
        """Read what is not known yet; forget the articles this chunk no longer needs."""
        # An article usually continues from the previous chunk, so keep what is still needed.
        self.articles = {pk: value for pk, value in self.articles.items() if pk in article_ids}
        self.texts = {pk: value for pk, value in self.texts.items() if pk in article_ids}
        self.joined = {pk: value for pk, value in self.joined.items() if pk in article_ids}
        self.paragraphs = {pk: value for pk, value in self.paragraphs.items() if value[0] in self.texts}
        missing = article_ids - self.texts.keys()
        if missing:
            self._load_articles(missing)
        new_users = user_ids - self.users.keys()
        if new_users:
            self.users.update(get_user_model().objects.filter(pk__in=new_users).values_list("pk", "username"))

    def _load_articles(self, ids: set[int]) -> None:
        if connection.vendor == "postgresql":
            self._load_articles_postgresql(ids)
            return
        visible = Article.objects.visible().filter(pk__in=ids)
        for pk, *values in visible.values_list(
            "pk", "title", "url", "checksum", "publisher__slug", "original_source__slug"
        ):
            self.articles[pk] = tuple(values)
            self.texts[pk] = []
        paragraphs = Paragraph.objects.filter(article_id__in=self.articles.keys() & ids)
        offset, current = 0, None
        for pk, article_id, position, text in paragraphs.order_by("article_id", "position").values_list(
            "id", "article_id", "position", "text"
        ):
            if article_id != current:
                offset, current = 0, article_id
            self.paragraphs[pk] = (article_id, position, offset, text)
            self.texts[article_id].append(text)
            offset += len(text) + len(PARAGRAPH_SEPARATOR)

    def _load_articles_postgresql(self, ids: set[int]) -> None:
        """The same as `_load_articles` in one query: the visible articles' paragraphs with their article's
        fields, the ids as one array parameter. The two ORM queries per chunk cost about a fifth of the
        export there (compiling an IN list of the chunk's articles each time, and Django's per-value
        converters); this one about half of that. Same dicts, same order."""
        article_id = None
        offset = 0
        with connection.cursor() as cursor:
            cursor.execute(_paragraphs_sql(), {"ids": sorted(ids)})
            rows = cursor.fetchall()
        for pk, article_id_, position, text, *values in rows:
            if article_id_ != article_id:
                offset, article_id = 0, article_id_
                self.articles[article_id] = tuple(values)
                self.texts[article_id] = []
            self.paragraphs[pk] = (article_id, position, offset, text)
            self.texts[article_id].append(text)
            offset += len(text) + len(PARAGRAPH_SEPARATOR)

    def article_text(self, article_id: int) -> str:
        if article_id not in self.joined:
            self.joined[article_id] = PARAGRAPH_SEPARATOR.join(self.texts[article_id])
        return self.joined[article_id]


def _paragraphs_sql() -> str:
    """PostgreSQL: paragraphs of the visible articles among the ids in the array parameter `ids`, in article
    and position order, each with its article's title, url, checksum and publisher and original source
    slugs. Table and column names come from the models. The ids filter both tables, so the planner reads
    both by index (filtered on the paragraphs alone, it hashed the whole article table every chunk); the
    array is cast to bigint[] because psycopg sends small ints as smallint[]."""
    quote = connection.ops.quote_name
    paragraph, article = Paragraph._meta, Article._meta
    source = Article._meta.get_field("publisher").related_model._meta

    def column(opts, name: str) -> str:
        return quote(opts.get_field(name).column)

    return (
        f"SELECT p.id, p.article_id, p.position, p.text, a.{column(article, 'title')}, "
        f"a.{column(article, 'url')}, a.{column(article, 'checksum')}, publisher.{column(source, 'slug')}, "
        f"original.{column(source, 'slug')} "
        f"FROM {quote(article.db_table)} a "
        f"JOIN (SELECT {column(paragraph, 'id')} AS id, {column(paragraph, 'article')} AS article_id, "
        f"{column(paragraph, 'position')} AS position, {column(paragraph, 'text')} AS text "
        f"FROM {quote(paragraph.db_table)} WHERE {column(paragraph, 'article')} = ANY(%(ids)s::bigint[])) p "
        f"ON p.article_id = a.{column(article, 'id')} "
        f"JOIN {quote(source.db_table)} publisher "
        f"ON publisher.{column(source, 'id')} = a.{column(article, 'publisher')} "
        f"LEFT JOIN {quote(source.db_table)} original "
        f"ON original.{column(source, 'id')} = a.{column(article, 'original_source')} "
        f"WHERE a.{column(article, 'id')} = ANY(%(ids)s::bigint[]) "
        f"AND a.{column(article, 'deleted_at')} IS NULL "
        f"ORDER BY p.article_id, p.position"
    )


def _native_timestamps(cursor) -> None:
    """Read timestamptz with psycopg's C loaders instead of Django's Python ones: a fifth of the time.

    Both give aware datetimes: Django keeps the session in UTC, and its loader only re-attaches that zone.
    """
    from psycopg.types.datetime import TimestamptzBinaryLoader, TimestamptzLoader

    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
    cursor.adapters.register_loader("timestamptz", TimestamptzBinaryLoader)


def iter_rows(
    queryset: QuerySet[Annotation],
    *,
    texts: bool = False,
    by_article: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[dict]:
    """Yield one dict per live span of a visible article (keys: FIELDS), paragraph by paragraph.

    With `texts`, rows also carry `paragraph_text` and `article_text`. With `by_article`, every article's
    spans come together (a sort the database pays for); otherwise they do whenever the article's paragraphs
    were stored together, as the importers store them. Rows come straight from the cursor, not through
    `QuerySet.iterator()`, whose per-value converters cost as much as the read; so timestamps are aware on
    PostgreSQL and naive UTC on SQLite, and the writers print both as UTC. The cursor runs inside a
    transaction, where PostgreSQL keeps it a plain server-side cursor (outside one, Django declares it WITH
    HOLD, which materialises every row before the first).
    """
    order = ("article_id", "paragraph_id", "id") if by_article else ("paragraph_id", "id")
    spans = queryset.filter(deleted_at__isnull=True).order_by(*order).values_list(*SPAN_COLUMNS)
    sql, params = spans.query.sql_with_params()
    labels = dict(Label.objects.values_list("pk", "slug"))
    chunk_context = _Chunk()
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        if connection.vendor == "postgresql":
            _native_timestamps(cursor.cursor)
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            chunk_context.load({values[1] for values in chunk}, {values[7] for values in chunk})
            articles, paragraphs, users = (
                chunk_context.articles,
                chunk_context.paragraphs,
                chunk_context.users,
            )
            for (
                pk,
                article_id,
                paragraph_id,
                start,
                end,
                quote,
                label,
                reviewer,
                note,
                attributed_to,
                created,
                updated,
            ) in chunk:  # noqa: E501
                article = articles.get(article_id)
                if article is None:
                    continue  # the article was deleted
                _, position, offset, text = paragraphs[paragraph_id]
                row = {
                    "id": pk, "article": article_id, "article_title": article[0], "article_url": article[1],
                    "article_checksum": article[2], "publisher": article[3], "original_source": article[4],
                    "paragraph": paragraph_id, "paragraph_position": position, "start": start, "end": end,
                    "article_start": offset + start, "article_end": offset + end, "quote": quote,
                    "prefix": text[max(0, start - CONTEXT_LENGTH) : start],
                    "suffix": text[end : end + CONTEXT_LENGTH],
                    "label": labels[label], "reviewer": users[reviewer], "note": note,
                    "attributed_to": attributed_to, "created_at": created, "updated_at": updated,
                }  # fmt: skip
                if texts:
                    row["paragraph_text"] = text
                    row["article_text"] = chunk_context.article_text(article_id)
                yield row


class _SqliteJsonTimestamp(Func):
    """A timestamp column as a JSON string (bytes), as orjson writes the UTC datetime in SQLite's text.

    Django stores datetimes in SQLite as UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]`; orjson writes that time as
    `"YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00"`. Doing it in the query spares the export a datetime per value
    (which Django's converter parses in Python) and its encoding. Timestamps are ASCII: no JSON escaping.
    """

    arity = 1
    output_field = BinaryField()
    template = "CAST('\"' || replace(%(expressions)s, ' ', 'T') || '+00:00\"' AS BLOB)"


_JSONL_LINE = (
    b'{"id":%d,%b%d,"end":%d,"article_start":%d,"article_end":%d,"quote":%b,"prefix":%b,"suffix":%b,'
    b'"label":%b,"reviewer":%b,"note":%b,"attributed_to":%b,"created_at":%b,"updated_at":%b}\n'
)
_JSONL_VENDORS = ("sqlite", "postgresql")


def iter_jsonl(queryset: QuerySet[Annotation], *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yield the `jsonl` export of the live spans in `queryset`, one piece per chunk of spans read.

    The same bytes as `jsonl.write(iter_rows(queryset))` (the format tests hold that writer to the format),
    built without a dict per span: what a paragraph's spans share (their article's fields, the paragraph's
    id and position, up to `"start":`) is serialised once per chunk, labels and reviewers once, so a line
    is one bytes formatting with orjson calls for its own strings only. Timestamps come as JSON strings from
    SQLite (see `_SqliteJsonTimestamp`) and as datetimes from PostgreSQL's binary results, read by psycopg's
    C loader (PostgreSQL formats timestamps slower than orjson does). SQLite and PostgreSQL only.
    """
    sqlite = connection.vendor == "sqlite"
    stamps = (
        (_SqliteJsonTimestamp("created_at"), _SqliteJsonTimestamp("updated_at"))
        if sqlite
        else ("created_at", "updated_at")
    )
    spans = queryset.filter(deleted_at__isnull=True).order_by("paragraph_id", "id")
    spans = spans.values_list(
        "id", "article_id", "paragraph_id", "start", "end", "quote", "label_id", "reviewer_id", "note",
        "attributed_to", *stamps,
    )  # fmt: skip
    sql, params = spans.query.sql_with_params()
    dumps = orjson.dumps
    labels = {pk: dumps(slug) for pk, slug in Label.objects.values_list("pk", "slug")}
    reviewers: dict[int, bytes] = {}
    context = _Chunk()
    with (
        transaction.atomic(),
        connection.chunked_cursor() as cursor,
        ThreadPoolExecutor(max_workers=1) as reader,  # its exit waits for a fetch in flight
    ):
        if sqlite:
            cursor.execute(sql, params)
            pending = None
        else:
            _native_timestamps(cursor.cursor)
            with connection.wrap_database_errors:
                cursor.cursor.execute(sql, params, binary=True)  # ints and datetimes load faster
            pending = reader.submit(cursor.cursor.fetchmany, chunk_size)
        while True:
            with cycle_collector_paused():
                if pending is None:
                    chunk = cursor.fetchmany(chunk_size)
                else:
                    with connection.wrap_database_errors:
                        chunk = pending.result()
                    pending = None
                if not chunk:
                    break
                context.load({values[1] for values in chunk}, {values[7] for values in chunk})
                for pk in context.users.keys() - reviewers.keys():
                    reviewers[pk] = dumps(context.users[pk])
                if not sqlite:
                    # PostgreSQL sends the next chunk while this one is written (the paragraphs' query
                    # above has the connection to itself: the reader is idle until this submit).
                    pending = reader.submit(cursor.cursor.fetchmany, chunk_size)
                shared = _paragraph_fragments(context)
                lines = []
                append = lines.append
                for (
                    pk,
                    _,
                    paragraph_id,
                    start,
                    end,
                    quote,
                    label,
                    reviewer,
                    note,
                    attributed_to,
                    created,
                    updated,
                ) in chunk:
                    paragraph = shared.get(paragraph_id)
                    if paragraph is None:
                        continue  # the article was deleted
                    fragment, offset, text = paragraph
                    append(
                        _JSONL_LINE
                        % (
                            pk, fragment, start, end, offset + start, offset + end, dumps(quote),
                            dumps(text[start - CONTEXT_LENGTH if start > CONTEXT_LENGTH else 0 : start]),
                            dumps(text[end : end + CONTEXT_LENGTH]), labels[label], reviewers[reviewer],
                            dumps(note), dumps(attributed_to), created if sqlite else dumps(created),
                            updated if sqlite else dumps(updated),
                        )
                    )  # fmt: skip
                piece = b"".join(lines)
                del chunk, lines
            if piece:
                yield piece


def _paragraph_fragments(context: _Chunk) -> dict[int, tuple[bytes, int, str]]:
    """Return, per paragraph of the chunk: its JSON fields up to `"start":`, its article offset, its text."""
    dumps = orjson.dumps
    articles = {
        pk: b'"article":%d,"article_title":%b,"article_url":%b,"article_checksum":%b,"publisher":%b,'
        b'"original_source":%b,' % (pk, *(dumps(value) for value in values))
        for pk, values in context.articles.items()
    }
    return {
        pk: (b'%b"paragraph":%d,"paragraph_position":%d,"start":' % (articles[article_id], pk, position),
             offset, text)
        for pk, (article_id, position, offset, text) in context.paragraphs.items()
    }  # fmt: skip


def stream(queryset: QuerySet[Annotation], format: Format, *, annotation_base: str = "") -> Iterator[bytes]:
    """Yield the export file of the live spans in `queryset`: jsonl in pieces of a chunk of spans (see
    `iter_jsonl`), other formats in pieces of about 64 KiB."""
    if format.name == "jsonl" and connection.vendor in _JSONL_VENDORS:
        return iter_jsonl(queryset)
    rows = iter_rows(queryset, texts=format.needs_texts, by_article=format.needs_texts)
    options = {"fields": FIELDS}
    if annotation_base:
        options["annotation_base"] = annotation_base
    return buffered(format.write(rows, **options))
