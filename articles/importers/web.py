"""Importing one web page, by URL or as a browser sent it: fetch, extract, find an earlier import, store.

The answer is the article and whether it is new: a page whose canonical URL (or text) is stored already
is not imported again, and the caller links the article found instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from articles.fetch import fetch
from articles.importers import FileReport, html_page
from articles.importers.article_record import ArticleRecord, ImportFailed, check
from articles.importers.store import checksum, save_records
from articles.models import Article


@dataclass(frozen=True)
class PageImport:
    article: Article
    created: bool


def existing_article(record: ArticleRecord) -> Article | None:
    """Return the stored article of the same page (same canonical URL) or the same text, if any."""
    same = Q(checksum=checksum(record))
    if record.canonical_url:
        same |= Q(web_page__canonical_url=record.canonical_url)
    return _live(Article.objects.filter(same).order_by("pk").first())


def _live(article: Article | None) -> Article | None:
    """Return the article unless it was deleted, which is said: importing it again would not bring it back."""
    if article is not None and article.deleted_at is not None:
        raise ImportFailed(
            f"this page was imported before as article {article.pk} ({article.title}), which was deleted "
            "since; staff can restore it in the admin"
        )
    return article


def import_page(
    content: bytes | str, *, url: str | None = None, charset: str | None = None, imported_by=None
) -> PageImport:
    """Import a page's HTML (bytes are decoded by `charset`, else by what the page declares); `url` is
    where it came from. Raise ImportFailed, with nothing written, when it cannot be imported."""
    size = len(content.encode() if isinstance(content, str) else content)
    if size > settings.FETCH_MAX_BYTES:
        raise ImportFailed(
            f"the page is {size:,} bytes; the limit is {settings.FETCH_MAX_BYTES:,} bytes (FETCH_MAX_BYTES)"
        )
    text = content if isinstance(content, str) else html_page.decode(content, charset)
    [record] = html_page.parse(text, url=url)
    problems = check(record)
    if problems:
        raise ImportFailed.from_errors(problems)
    found = existing_article(record)
    if found is not None:
        return PageImport(found, created=False)
    try:
        with transaction.atomic():
            [(articles, _)] = save_records([[record]], imported_by=imported_by)
    except IntegrityError:
        articles = []  # another import of the same page won the race (unique checksum or canonical URL)
    if articles:
        return PageImport(articles[0], created=True)
    found = existing_article(record)
    if found is None:
        raise ImportFailed("the page could not be stored; try again")
    return PageImport(found, created=False)


def import_url(url: str, *, imported_by=None) -> PageImport:
    """Fetch a page (`articles.fetch`: public addresses only, size, time and redirect limits) and import it.

    A URL already stored as a page's canonical URL is not fetched again."""
    url = url.strip()
    known = _live(Article.objects.filter(web_page__canonical_url=url).first())
    if known is not None:
        return PageImport(known, created=False)
    page = fetch(url)
    return import_page(page.content, url=page.url, charset=page.charset, imported_by=imported_by)


def url_report(url: str, *, imported_by=None, dry_run: bool = False) -> FileReport:
    """Import one URL and say what happened in the shape of a file's report (command, admin upload)."""
    report = FileReport(path=url)
    try:
        if dry_run:
            with transaction.atomic():
                result = import_url(url, imported_by=imported_by)
                transaction.set_rollback(True)
        else:
            result = import_url(url, imported_by=imported_by)
    except ImportFailed as error:
        report.error = str(error)
        return report
    if result.created:
        report.articles = [result.article]
    else:
        report.duplicates, report.existing = 1, [result.article]
    return report
