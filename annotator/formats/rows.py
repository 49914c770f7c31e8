"""The one export query: labelled spans joined with their article, paragraph, label and reviewer, as rows.

Rows stream from a server-side cursor (`iterator(chunk_size=...)`); the paragraphs of the articles in each
chunk are read in one extra query, so article-level offsets, quote context and document texts cost one
query per chunk, never one per span, and memory stays bounded by the chunk.

Article-level offsets count code points in the article text built as the paragraphs joined with
PARAGRAPH_SEPARATOR ("\\n\\n"), in paragraph order.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import QuerySet

from annotator.formats import Format, buffered
from annotator.models import Annotation
from articles.models import Paragraph

PARAGRAPH_SEPARATOR = "\n\n"
CONTEXT_LENGTH = 32
CHUNK_SIZE = 2000

# (row key, ORM path) in output order; the derived keys are inserted by `iter_rows`.
COLUMNS = (
    ("id", "id"),
    ("article", "article_id"),
    ("article_title", "article__title"),
    ("article_url", "article__url"),
    ("article_checksum", "article__checksum"),
    ("publisher", "article__publisher__slug"),
    ("original_source", "article__original_source__slug"),
    ("paragraph", "paragraph_id"),
    ("paragraph_position", "paragraph__position"),
    ("start", "start"),
    ("end", "end"),
    ("quote", "quote"),
    ("label", "label__slug"),
    ("reviewer", "reviewer__username"),
    ("note", "note"),
    ("attributed_to", "attributed_to"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)
DERIVED = ("article_start", "article_end", "prefix", "suffix")
FIELDS = tuple(key for key, _ in COLUMNS) + DERIVED


def exportable(
    queryset: QuerySet[Annotation] | None = None, *, by_article: bool = False
) -> QuerySet[Annotation]:
    """Return the live spans of visible articles, paragraph by paragraph (`by_article`: article by article).

    The default order follows the index on paragraph_id, so the database streams rows without sorting them
    first; that keeps each article's spans together whenever its paragraphs were stored together, as the
    importers store them. Formats that need every article in one piece ask for `by_article` and pay a sort.
    """
    queryset = Annotation.objects.all() if queryset is None else queryset
    order = ("article_id", "paragraph_id", "id") if by_article else ("paragraph_id", "id")
    return queryset.filter(deleted_at__isnull=True, article__deleted_at__isnull=True).order_by(*order)


def joined_values(queryset: QuerySet[Annotation]) -> QuerySet:
    """Return the joined `values_list` query every export reads (and the benchmark's bare read)."""
    return queryset.values_list(*(path for _, path in COLUMNS))


class _ArticleTexts:
    """Paragraph offsets and texts of the articles of one chunk."""

    def __init__(self) -> None:
        self.paragraphs: dict[int, tuple[int, int, str]] = {}
        self.articles: dict[int, list[str]] = {}
        self.joined: dict[int, str] = {}

    def load(self, article_ids: set[int]) -> None:
        """Read the paragraphs of the articles not yet known; forget those this chunk no longer needs."""
        missing = article_ids - self.articles.keys()
        # An article usually continues from the previous chunk, so keep what is still needed.
        self.articles = {pk: texts for pk, texts in self.articles.items() if pk in article_ids}
        self.joined = {pk: text for pk, text in self.joined.items() if pk in article_ids}
        self.paragraphs = {pk: value for pk, value in self.paragraphs.items() if value[0] in article_ids}
        if not missing:
            return
        rows = (
            Paragraph.objects.filter(article_id__in=missing)
            .order_by("article_id", "position")
            .values_list("id", "article_id", "text")
        )
        offset, current = 0, None
        for pk, article_id, text in rows:
            if article_id != current:
                offset, current = 0, article_id
                self.articles[article_id] = []
            self.paragraphs[pk] = (article_id, offset, text)
            self.articles[article_id].append(text)
            offset += len(text) + len(PARAGRAPH_SEPARATOR)

    def article_text(self, article_id: int) -> str:
        if article_id not in self.joined:
            self.joined[article_id] = PARAGRAPH_SEPARATOR.join(self.articles[article_id])
        return self.joined[article_id]


def iter_rows(
    queryset: QuerySet[Annotation], *, texts: bool = False, chunk_size: int = CHUNK_SIZE
) -> Iterator[dict]:
    """Yield one dict per span (keys: FIELDS); with `texts`, also `paragraph_text` and `article_text`.

    The query runs on a chunked cursor inside one transaction, so PostgreSQL keeps a plain server-side
    cursor (outside a transaction Django declares it WITH HOLD, which materialises every row before the
    first). Rows come straight from the cursor rather than through `QuerySet.iterator()`: Django's
    per-value converters cost as much as the read itself. Timestamps are UTC: aware on PostgreSQL, naive
    on SQLite (Django's converter would only attach the zone); the writers print both with "+00:00".
    """
    keys = [key for key, _ in COLUMNS]
    cache = _ArticleTexts()
    sql, params = joined_values(queryset).query.sql_with_params()
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            cache.load({values[1] for values in chunk})
            paragraphs = cache.paragraphs
            for values in chunk:
                row = dict(zip(keys, values, strict=False))  # every row has len(keys) values
                _, offset, text = paragraphs[row["paragraph"]]
                start, end = row["start"], row["end"]
                row["article_start"] = offset + start
                row["article_end"] = offset + end
                row["prefix"] = text[max(0, start - CONTEXT_LENGTH) : start]
                row["suffix"] = text[end : end + CONTEXT_LENGTH]
                if texts:
                    row["paragraph_text"] = text
                    row["article_text"] = cache.article_text(row["article"])
                yield row


def stream(queryset: QuerySet[Annotation], format: Format, *, annotation_base: str = "") -> Iterator[bytes]:
    """Yield the export file of the live spans in `queryset`, in pieces of about 64 KiB."""
    rows = iter_rows(exportable(queryset, by_article=format.needs_texts), texts=format.needs_texts)
    options = {"fields": FIELDS}
    if annotation_base:
        options["annotation_base"] = annotation_base
    return buffered(format.write(rows, **options))
