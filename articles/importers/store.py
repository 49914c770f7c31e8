"""Storing parsed records: sources and tags looked up by name, articles in bulk, paragraphs in one statement.

Callers own the transaction (one per file, or one per batch of files with a per-file retry).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.utils.text import slugify

from articles.importers.article_record import ArticleRecord
from articles.models import UNKNOWN_PUBLISHER, Article, Paragraph, Source, Tag, WebPage
from articles.tasks import schedule_reuse_detection

_IN_CHUNK = 500


def checksum(record: ArticleRecord) -> str:
    """Return the content checksum: title and paragraphs, so the same text is never imported twice."""
    return Article.checksum_of([record.title, *record.paragraphs])


def source_slug(name: str) -> str:
    """Return the slug a source is looked up by; names without letters or digits get a stable hashed one."""
    slug = slugify(name, allow_unicode=True)[:200]
    return slug or "source-" + hashlib.sha256(name.encode()).hexdigest()[:12]


def _insert(model, names: tuple[str, ...], params: list[tuple]) -> int:
    """INSERT prepared rows into the model's table with one executemany; return how many."""
    opts = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in names)
    sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    return len(params)


def insert_objects(objs: list[Model]) -> None:
    """INSERT unsaved instances of one model with one executemany, each value prepared as `save()` does it.

    Primary keys are not set: the caller reads them back by a unique field.
    """
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [field for field in objs[0]._meta.concrete_fields if not field.primary_key]
    params = [
        tuple(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
        for obj in objs
    ]
    _insert(type(objs[0]), tuple(field.name for field in fields), params)


def write_paragraphs(rows: Iterable[tuple[int, int, str, list[dict]]]) -> int:
    """Insert (article_id, position, text, links) rows with one executemany; return how many.

    The hot path of every import: 40,000 rows take ~0.1 s this way against ~1.2 s through model
    instances and bulk_create. Links go through the JSON field's own preparation, so the rows equal what
    `Paragraph.objects.bulk_create` writes (tests/articles/test_import_rows.py holds it to that).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    links = Paragraph._meta.get_field("links")
    no_links = links.get_db_prep_value([], connection)
    params = [
        (article_id, position, text, links.get_db_prep_value(found, connection) if found else no_links)
        for article_id, position, text, found in rows
    ]
    return _insert(Paragraph, ("article", "position", "text", "links"), params)


def existing_checksums(checksums: list[str]) -> set[str]:
    """Return which of the checksums are already stored (soft-deleted articles included)."""
    found: set[str] = set()
    for i in range(0, len(checksums), _IN_CHUNK):
        chunk = checksums[i : i + _IN_CHUNK]
        found.update(Article.objects.filter(checksum__in=chunk).values_list("checksum", flat=True))
    return found


def existing_canonical_urls(urls: list[str | None]) -> set[str]:
    """Return which of the web pages' canonical URLs are already stored."""
    wanted = sorted({url for url in urls if url})
    found: set[str] = set()
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i : i + _IN_CHUNK]
        found.update(WebPage.objects.filter(canonical_url__in=chunk).values_list("canonical_url", flat=True))
    return found


def _sources(names: set[str]) -> dict[str, Source]:
    sources = {}
    for name in sorted(names):
        sources[name], _ = Source.objects.get_or_create(slug=source_slug(name), defaults={"name": name})
    return sources


def _tag_ids(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    return {pair: Tag.objects.get_or_create(kind=pair[0], name=pair[1])[0].pk for pair in sorted(pairs)}


def _article(record: ArticleRecord, digest: str, sources: dict[str, Source], imported_by) -> Article:
    return Article(
        title=record.title,
        byline=record.byline,
        publisher=sources[record.publisher or UNKNOWN_PUBLISHER],
        original_source=sources[record.original_source] if record.original_source else None,
        published_on=record.published_on,
        original_published_on=record.original_published_on,
        url=record.url,
        language=record.language,
        raw_text=record.raw_text,
        checksum=digest,
        imported_by=imported_by,
    )


def save_records(groups: list[list[ArticleRecord]], *, imported_by=None) -> list[tuple[list[Article], int]]:
    """Store each group's new records; return per group the articles created and the duplicates skipped.


    A record whose checksum (or, for a web page, canonical URL) is stored already, or came earlier in this
    call, is a duplicate.
    """
    digests = [[checksum(record) for record in group] for group in groups]
    seen = existing_checksums([digest for group in digests for digest in group])
    seen |= existing_canonical_urls([record.canonical_url for group in groups for record in group])
    kept: list[list[tuple[ArticleRecord, str]]] = []
    for group, group_digests in zip(groups, digests, strict=True):
        kept.append([])
        for record, digest in zip(group, group_digests, strict=True):
            if digest not in seen and (record.canonical_url or digest) not in seen:
                seen.update({digest, record.canonical_url} - {None})
                kept[-1].append((record, digest))
    new = [pair for group in kept for pair in group]
    names = {r.publisher or UNKNOWN_PUBLISHER for r, _ in new} | {r.original_source for r, _ in new}
    sources = _sources(names - {None})
    tag_ids = _tag_ids({tag for record, _ in new for tag in record.tags})
    articles = [_article(record, digest, sources, imported_by) for record, digest in new]
    insert_objects(articles)
    for i in range(0, len(articles), _IN_CHUNK):
        chunk = articles[i : i + _IN_CHUNK]
        pks = dict(
            Article.objects.filter(checksum__in=[a.checksum for a in chunk]).values_list("checksum", "pk")
        )
        for article in chunk:
            article.pk = pks[article.checksum]
            article._state.adding = False
    tagged = [
        (article.pk, tag_ids[tag])
        for article, (record, _) in zip(articles, new, strict=True)
        for tag in dict.fromkeys(record.tags)
    ]
    _insert(Article.tags.through, ("article", "tag"), tagged)
    write_paragraphs(
        (article.pk, position, text, found)
        for article, (record, _) in zip(articles, new, strict=True)
        for position, (text, found) in enumerate(zip(record.paragraphs, record.links, strict=True))
    )
    WebPage.objects.bulk_create(
        WebPage(article=article, canonical_url=record.canonical_url, page_url=record.page_url)
        for article, (record, _) in zip(articles, new, strict=True)
        if record.canonical_url or record.page_url
    )
    schedule_reuse_detection(article.pk for article in articles)
    created = iter(articles)
    return [
        ([next(created) for _ in group], len(group_records) - len(group))
        for group, group_records in zip(kept, groups, strict=True)
    ]
