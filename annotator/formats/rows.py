"""Export rows: one dict per live span of a visible article, what every export format is written from.

FIELDS is the export: each field in output order with the ORM path it is read from, or None for the fields
computed from the span's paragraph (its article-level offsets and quote context), as
`span_records.SpanRecordSerializer`, the documented and imported shape of a JSONL line, declares them. One
values query reads the declared paths, in the order of the span's paragraph index, through
`QuerySet.iterator()`; for each chunk of CHUNK_SIZE spans, one more query reads the paragraphs of its
articles, so an export costs a query per chunk, never one per span, and memory stays bounded by the chunk.

Article-level offsets count code points in the article text: its paragraphs in position order joined with
PARAGRAPH_SEPARATOR ("\\n\\n").

This is the reference export path. The jsonl export is served by `fast_jsonl`, which yields the same bytes
faster (see there why it exists).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import batched

from django.db import transaction
from django.db.models import QuerySet

from annotator.formats import Format, buffered
from annotator.formats.span_records import SpanRecordSerializer
from annotator.models import Annotation
from articles.models import Paragraph

PARAGRAPH_SEPARATOR = "\n\n"
CONTEXT_LENGTH = 32
CHUNK_SIZE = 10_000  # on PostgreSQL each chunk costs round trips; 10k spans hold ~5 MB

# The export's fields in output order, each with the ORM path it is read from (None: computed from the span's
# paragraph), as the schema of a JSONL line declares them: the export cannot drift from its documentation.
FIELDS = SpanRecordSerializer.export_fields()
_READ = tuple(name for name, path in FIELDS.items() if path)


def exportable(queryset: QuerySet[Annotation] | None = None) -> QuerySet[Annotation]:
    """Return the live spans of visible articles in `queryset` (all of them by default)."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    return queryset.filter(deleted_at__isnull=True, article__deleted_at__isnull=True)


def _span_values(queryset: QuerySet[Annotation], *, by_article: bool = False) -> QuerySet:
    """Return the declared paths of the live spans in `queryset`, then whether their article is deleted.

    Deleted articles are left out by the reader, not by the query: filtered on the article, SQLite's planner
    starts from the articles and sorts every span before the first row.
    """
    order = ("article_id", "paragraph_id", "id") if by_article else ("paragraph_id", "id")
    paths = [path for path in FIELDS.values() if path]
    return (
        queryset.filter(deleted_at__isnull=True).order_by(*order).values_list(*paths, "article__deleted_at")
    )


class _ArticleTexts:
    """The paragraphs of the articles of one chunk of spans: offset in the article and text, by paragraph."""

    def __init__(self) -> None:
        self.paragraphs: dict[int, tuple[int, int, str]] = {}
        self.texts: dict[int, list[str]] = {}
        self.joined: dict[int, str] = {}

    def load(self, article_ids: set[int]) -> None:
        """Read the paragraphs of the articles not known yet; forget those this chunk no longer needs."""
        # An article usually continues from the previous chunk, so keep what is still needed.
        self.texts = {pk: texts for pk, texts in self.texts.items() if pk in article_ids}
        self.joined = {pk: text for pk, text in self.joined.items() if pk in article_ids}
        self.paragraphs = {pk: value for pk, value in self.paragraphs.items() if value[0] in self.texts}
        missing = article_ids - self.texts.keys()
        if not missing:
            return
        paragraphs = Paragraph.objects.filter(article_id__in=missing).order_by("article_id", "position")
        offset, current = 0, None
        for pk, article_id, text in paragraphs.values_list("id", "article_id", "text"):
            if article_id != current:
                offset, current = 0, article_id
                self.texts[article_id] = []
            self.paragraphs[pk] = (article_id, offset, text)
            self.texts[article_id].append(text)
            offset += len(text) + len(PARAGRAPH_SEPARATOR)

    def article_text(self, article_id: int) -> str:
        if article_id not in self.joined:
            self.joined[article_id] = PARAGRAPH_SEPARATOR.join(self.texts[article_id])
        return self.joined[article_id]


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
    were stored together, as the importers store them. The query runs inside a transaction, where
    PostgreSQL keeps it a plain server-side cursor (outside one, Django declares it WITH HOLD, which
    materialises every row before the first).
    """
    article_texts = _ArticleTexts()
    with transaction.atomic():
        values = _span_values(queryset, by_article=by_article).iterator(chunk_size=chunk_size)
        for chunk in batched(values, chunk_size):
            chunk_rows = []
            for *span, article_deleted_at in chunk:
                if article_deleted_at is None:
                    row = dict.fromkeys(FIELDS)  # the computed fields keep their place in the output
                    row.update(zip(_READ, span, strict=True))
                    chunk_rows.append(row)
            article_texts.load({row["article"] for row in chunk_rows})
            for row in chunk_rows:
                _, offset, text = article_texts.paragraphs[row["paragraph"]]
                start, end = row["start"], row["end"]
                row["article_start"], row["article_end"] = offset + start, offset + end
                row["prefix"] = text[max(0, start - CONTEXT_LENGTH) : start]
                row["suffix"] = text[end : end + CONTEXT_LENGTH]
                if texts:
                    row["paragraph_text"] = text
                    row["article_text"] = article_texts.article_text(row["article"])
                yield row


def stream(
    queryset: QuerySet[Annotation],
    format: Format,
    *,
    annotation_base: str = "",
    options: dict[str, str] | None = None,
    collection_id: str = "",
) -> Iterator[bytes]:
    """Yield the export file of the live spans in `queryset` in pieces of about 64 KiB (jsonl through
    `fast_jsonl`, which yields the same bytes). `options` are the format's (`formats.options_for`)."""
    if format.name == "jsonl":
        from annotator.formats import fast_jsonl  # it imports this module's constants

        return fast_jsonl.write(queryset)
    return buffered(
        format.write(
            format_rows(queryset, format),
            **write_options(
                queryset,
                format,
                annotation_base=annotation_base,
                options=options,
                collection_id=collection_id,
            ),
        )
    )


def format_rows(queryset: QuerySet[Annotation], format: Format) -> Iterator[dict]:
    """Return the rows `format` is written from: with texts and article by article when it needs texts."""
    return iter_rows(queryset, texts=format.needs_texts, by_article=format.needs_texts)


def write_options(
    queryset: QuerySet[Annotation],
    format: Format,
    *,
    annotation_base: str = "",
    options: dict[str, str] | None = None,
    collection_id: str = "",
) -> dict:
    """Return the keyword arguments of `format.write` for an export of `queryset`."""
    written = {"fields": FIELDS, **(options or {})}
    if annotation_base:
        written["annotation_base"] = annotation_base
    if collection_id:
        written["collection_id"] = collection_id
    if getattr(format.module, "NEEDS_TOTAL", False) and "total" not in written:  # a page knows its total
        written["total"] = exportable(queryset).count()
    return written


def page_of(queryset: QuerySet[Annotation], number: int, size: int) -> QuerySet[Annotation]:
    """Return the spans of page `number` (from 1) of `size` spans, in the order the export writes them."""
    order = exportable(queryset).order_by("paragraph_id", "id").values_list("id", flat=True)
    return queryset.filter(pk__in=list(order[(number - 1) * size : number * size]))


def refusal(queryset: QuerySet[Annotation], format: Format, options: dict[str, str]) -> dict[str, list[str]]:
    """Return {option: [message]} naming the spans `format` cannot hold under `options`, else {}; reads the
    spans (article by article) only when an option asks for the check."""
    return format.refusal(lambda: iter_rows(queryset, by_article=True), options)
