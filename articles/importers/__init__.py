"""Importing articles: bytes -> text -> format detection -> pure parser -> records -> one transaction.

One module per input format (`seed`, `plaintext`, `article_json_lines`, `json_document`, `html_page`), each a
pure `parse(text) -> list[ArticleRecord]` (`article_record`; `json_document` also takes its field mapping).
Each file is atomic: a file with any problem writes nothing, and the next file goes on. Articles whose title
and paragraphs are already stored are skipped as duplicates. An article without a publisher (plain text,
JSON Lines without `publisher`) is filed under the source "Unknown publisher", which the admin's "re-assign
publisher" action fixes in bulk.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction

from articles.gc_pause import cycle_collector_paused
from articles.importers import article_json_lines, html_page, json_document, plaintext, seed
from articles.importers.article_record import ArticleRecord, ImportFailed, check
from articles.importers.store import UNKNOWN_PUBLISHER, save_records
from articles.models import Article

__all__ = [
    "EXTENSIONS", "FORMATS", "UNKNOWN_PUBLISHER", "ArticleRecord", "FileReport", "ImportFailed", "Summary",
    "check_size", "decode", "detect", "find_files", "import_bytes", "import_file", "import_files", "parse",
    "record_of", "save_article",
]  # fmt: skip

FORMATS = {
    "seed": seed, "text": plaintext, "jsonl": article_json_lines, "json": json_document, "html": html_page,
}  # fmt: skip
EXTENSIONS = (".txt", ".md", ".jsonl", ".json", *html_page.EXTENSIONS)
BATCH_ARTICLES = 1000


@dataclass
class FileReport:
    """What happened to one file: the articles it added, the duplicates it skipped, or why it failed."""

    path: str
    articles: list[Article] = field(default_factory=list)
    duplicates: int = 0
    error: str | None = None
    # The stored articles a duplicate is, when the importer knows them (web pages).
    existing: list[Article] = field(default_factory=list)


@dataclass
class Summary:
    """The closing summary of an import, shared by the command and the admin upload page."""

    reports: list[FileReport]
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return sum(len(report.articles) for report in self.reports)

    @property
    def duplicates(self) -> int:
        return sum(report.duplicates for report in self.reports)

    @property
    def existing(self) -> list[tuple[FileReport, Article]]:
        """The stored articles that duplicates are, when known, with the report that found each."""
        return [(report, article) for report in self.reports for article in report.existing]

    @property
    def failed(self) -> list[FileReport]:
        return [report for report in self.reports if report.error is not None]

    def lines(self) -> list[str]:
        """Return the summary as lines of text: the counts, then one line per failed file."""
        verb = "Would import" if self.dry_run else "Imported"
        files = len(self.reports) - len(self.failed)
        lines = [
            f"{verb} {_plural(self.imported, 'article')} from {_plural(files, 'file')}; "
            f"skipped {_plural(self.duplicates, 'duplicate')}; {_plural(len(self.failed), 'file')} failed."
        ]
        lines += [f"  {report.path}: {report.error}" for report in self.failed]
        return lines


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def check_size(size: int) -> None:
    """Refuse a file larger than settings.IMPORT_MAX_BYTES before reading it."""
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFailed(
            f"the file is {size:,} bytes; the limit is {settings.IMPORT_MAX_BYTES:,} bytes (IMPORT_MAX_BYTES)"
        )


def decode(data: bytes) -> str:
    """Return the bytes as text: UTF-8 with or without a byte order mark, nothing else."""
    check_size(len(data))
    if not data:
        raise ImportFailed("the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFailed("the file is UTF-16 text; save it as UTF-8 and import it again")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFailed(
            f"the file is not UTF-8 text: byte 0x{data[error.start]:02X} at offset {error.start} "
            f"(line {line}) is not valid UTF-8; save the file as UTF-8 and import it again"
        ) from None
    if "\x00" in text:
        offset = data.index(b"\x00")
        raise ImportFailed(f"the file contains a NUL byte at offset {offset}: it looks binary, not text")
    if not text.strip():
        raise ImportFailed("the file has no text, only blank lines")
    return text


def detect(text: str, name: str = "") -> str:
    """Return the format name of a text: one JSON document (one object over several lines, or one line that
    is not our JSON Lines), JSON Lines by extension or a leading `{`, a web page by extension or its doctype,
    the seeds' format by its header lines, plain text otherwise."""
    if name.lower().endswith((".jsonl", ".json")) or text.lstrip().startswith("{"):
        return "json" if json_document.is_one_document(text) or _foreign_object(text) else "jsonl"
    if name.lower().endswith(html_page.EXTENSIONS) or html_page.looks_like(text):
        return "html"
    return "seed" if seed.looks_like(text) else "text"


def _foreign_object(text: str) -> bool:
    """Return whether the text is one line holding one JSON object with keys our JSON Lines do not have."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) != 1:
        return False
    try:
        value = json.loads(lines[0])
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(value, dict) and not set(value) <= set(article_json_lines.FIELDS)


def parse(
    text: str, *, format: str | None = None, name: str = "", fields: dict[str, str] | None = None
) -> list[ArticleRecord]:
    """Return the articles in the text, in the given or detected format; `fields` maps a JSON document's
    keys to ours (the json format only).

    Raise ImportFailed naming every problem found.
    """
    if format is not None and format not in FORMATS:
        raise ImportFailed(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
    module = FORMATS[format or detect(text, name)]
    text = text.removeprefix("\ufeff")
    records = module.parse(text, fields) if module is json_document else module.parse(text)
    problems = [problem for record in records for problem in check(record)]
    if problems:
        raise ImportFailed.from_errors(problems)
    return records


@transaction.atomic
def save_article(record: ArticleRecord, *, imported_by=None) -> Article | None:
    """Store one record with its sources, tags and paragraphs; return None when its text is already stored."""
    problems = check(record)
    if problems:
        raise ImportFailed.from_errors(problems)
    [(articles, _)] = save_records([[record]], imported_by=imported_by)
    return articles[0] if articles else None


def _write(pending: list[tuple[FileReport, list[ArticleRecord]]], imported_by, dry_run: bool) -> None:
    """Store the parsed files in one transaction; when the database refuses, retry file by file."""
    todo = [(report, records) for report, records in pending if report.error is None]
    try:
        with transaction.atomic():
            results = save_records([records for _, records in todo], imported_by=imported_by)
            transaction.set_rollback(dry_run)
    except DatabaseError as error:
        if len(todo) > 1:
            for one in todo:
                _write([one], imported_by, dry_run)
        elif todo:
            todo[0][0].error = f"the database refused the file: {error}"
        return
    for (report, _), (articles, duplicates) in zip(todo, results, strict=True):
        report.articles, report.duplicates = articles, duplicates


def _decode(data: bytes, name: str, format: str | None) -> str:
    """Return a file's text: a web page by the charset it declares, anything else as UTF-8 (`decode`)."""
    if format == "html" or (format is None and name.lower().endswith(html_page.EXTENSIONS)):
        check_size(len(data))
        return html_page.decode(data)
    return decode(data)


def _read(path: Path, format: str | None = None) -> str:
    try:
        check_size(path.stat().st_size)
        return _decode(path.read_bytes(), path.name, format)
    except FileNotFoundError:
        raise ImportFailed("no such file or folder") from None
    except OSError as error:
        raise ImportFailed(f"cannot read the file: {error.strerror}") from None


def import_files(
    paths: Iterable[Path | str],
    *,
    format: str | None = None,
    imported_by=None,
    dry_run: bool = False,
    fields: dict[str, str] | None = None,
) -> Iterator[FileReport]:
    """Import files and yield one report per file, in order. Files are parsed first, then stored in batches
    of about BATCH_ARTICLES articles per transaction; each file still succeeds or fails as a whole."""
    pending: list[tuple[FileReport, list[ArticleRecord]]] = []
    count = 0
    with cycle_collector_paused():
        for path in map(Path, paths):
            report, records = FileReport(path=str(path)), []
            try:
                records = parse(_read(path, format), format=format, name=path.name, fields=fields)
            except ImportFailed as error:
                report.error = str(error)
            pending.append((report, records))
            count += len(records)
            if count >= BATCH_ARTICLES:
                _write(pending, imported_by, dry_run)
                yield from (report for report, _ in pending)
                pending, count = [], 0
        _write(pending, imported_by, dry_run)
        yield from (report for report, _ in pending)


def import_file(
    path: Path | str,
    *,
    format: str | None = None,
    imported_by=None,
    dry_run: bool = False,
    fields: dict[str, str] | None = None,
) -> FileReport:
    """Import one file atomically and return its report."""
    return next(import_files([path], format=format, imported_by=imported_by, dry_run=dry_run, fields=fields))


def import_bytes(
    data: bytes,
    *,
    name: str,
    format: str | None = None,
    imported_by=None,
    dry_run: bool = False,
    fields: dict[str, str] | None = None,
) -> FileReport:
    """Import an uploaded file's content atomically; `name` is shown in the report and hints the format."""
    report, records = FileReport(path=name), []
    try:
        records = parse(_decode(data, name, format), format=format, name=name, fields=fields)
    except ImportFailed as error:
        report.error = str(error)
    _write([(report, records)], imported_by, dry_run)
    return report


def record_of(article: Article) -> ArticleRecord:
    """Return a stored article as a record, the shape format writers take; uses prefetched relations."""
    paragraphs = list(article.paragraphs.all())
    return ArticleRecord(
        title=article.title,
        paragraphs=[paragraph.text for paragraph in paragraphs],
        links=[list(paragraph.links or []) for paragraph in paragraphs],
        byline=article.byline,
        publisher=article.publisher.name,
        published_on=article.published_on,
        original_source=article.original_source.name if article.original_source else None,
        original_published_on=article.original_published_on,
        url=article.url,
        tags=[(tag.kind, tag.name) for tag in article.tags.all()],
        language=article.language,
        raw_text=article.raw_text,
    )


def find_files(paths: Iterable[Path | str]) -> list[Path]:
    """Return the files to import: named files as given, folders searched recursively for EXTENSIONS
    (hidden files and folders left out). A path that does not exist is kept: `import_files` reports it as
    failed and goes on with the others, so one typo does not cancel a long import."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for root, folders, files in os.walk(path):
                folders[:] = sorted(folder for folder in folders if not folder.startswith("."))
                found += sorted(
                    Path(root, name)
                    for name in files
                    if not name.startswith(".") and name.lower().endswith(EXTENSIONS)
                )
        else:
            found.append(path)
    return found
