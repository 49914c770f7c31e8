"""Import spans from our JSONL or W3C export: find the article, anchor the span, create it through `spans`.

One transaction for the whole file. By default any problem (bad record, unknown article, label or reviewer,
quote not found) writes nothing; with `partial` the spans that anchor are kept and the rest reported.
Spans already present (same paragraph, label, offsets and reviewer) are counted, never duplicated or changed.
A span that was there and has been deleted since (an old export imported again) is not brought back: it is
reported as "deleted since the export, not restored", unless the import asks to restore deleted spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import orjson
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from annotator import spans
from annotator.formats import IMPORT_FORMATS, UnknownFormat, jsonl, w3c
from annotator.formats.anchoring import Unmatched, locate
from annotator.formats.span_records import RecordError, SpanRecord
from annotator.models import Annotation
from articles.models import Article, Paragraph


@dataclass
class ImportReport:
    created: int = 0
    reanchored: int = 0
    existing: int = 0
    restored: int = 0
    problems: list[RecordError] = field(default_factory=list)
    not_restored: list[RecordError] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "reanchored": self.reanchored,
            "existing": self.existing,
            "restored": self.restored,
            "written": self.written,
            "problems": [{"line": p.line, "message": p.message} for p in self.problems],
            "not_restored": [{"line": p.line, "message": p.message} for p in self.not_restored],
        }


def detect_format(content: str) -> str:
    """Return "w3c" when the first JSON value looks like a Web Annotation, else "jsonl"."""
    first = next((line for line in content.split("\n") if line.strip()), "")
    try:
        data = orjson.loads(first)
    except orjson.JSONDecodeError:
        return "w3c" if first.lstrip().startswith(("[", "{")) and "@context" in content[:4096] else "jsonl"
    if isinstance(data, list) or (isinstance(data, dict) and ("@context" in data or "target" in data)):
        return "w3c"
    return "jsonl"


def read(content: str, format: str | None = None) -> Iterator[SpanRecord | RecordError]:
    """Yield the records of a JSONL or W3C file; `format=None` detects which."""
    format = format or detect_format(content)
    if format not in IMPORT_FORMATS:
        raise UnknownFormat(format, IMPORT_FORMATS)
    return jsonl.read(content) if format == "jsonl" else w3c.read(content)


class _Lookups:
    """Articles, paragraphs and users by their keys, each read once per import."""

    def __init__(self, default_reviewer, importer, restore_deleted: bool = False) -> None:
        self.articles: dict[tuple, Article] = {}
        self.paragraphs: dict[int, list[Paragraph]] = {}
        self.users: dict[str, object] = {}
        self.default_reviewer = default_reviewer
        self.importer = importer
        self.restore_deleted = restore_deleted

    def article(self, record: SpanRecord) -> Article:
        key = (record.article_checksum, record.article_url)
        if key not in self.articles:
            visible = Article.objects.visible()
            found = (
                visible.filter(checksum=record.article_checksum).first() if record.article_checksum else None
            )
            if found is None and record.article_url:
                matches = list(visible.filter(url=record.article_url)[:2])
                if len(matches) > 1:
                    raise Unmatched(f"several articles have the url {record.article_url!r}.")
                found = matches[0] if matches else None
            if found is None:
                raise Unmatched(
                    f"no article with checksum {record.article_checksum!r} or url {record.article_url!r}."
                )
            self.articles[key] = found
        return self.articles[key]

    def paragraphs_of(self, article: Article) -> list[Paragraph]:
        if article.pk not in self.paragraphs:
            self.paragraphs[article.pk] = list(article.paragraphs.order_by("position"))
        return self.paragraphs[article.pk]

    def reviewer(self, username: str | None):
        if username and username not in self.users:
            self.users[username] = get_user_model().objects.filter(username=username).first()
        user = self.users.get(username) if username else None
        if user is None and self.default_reviewer is None:
            raise Unmatched(
                f"unknown reviewer {username!r}; create the user first or name a default reviewer."
            )
        return user or self.default_reviewer


def _load_one(record: SpanRecord, lookups: _Lookups, report: ImportReport) -> None:
    article = lookups.article(record)
    paragraphs = lookups.paragraphs_of(article)
    index = next((i for i, p in enumerate(paragraphs) if p.position == record.paragraph_position), None)
    anchor = locate(
        [p.text for p in paragraphs],
        quote=record.quote,
        prefix=record.prefix,
        suffix=record.suffix,
        paragraph=index,
        start=record.start if index is not None else None,
        end=record.end if index is not None else None,
        article_start=record.article_start,
        article_end=record.article_end,
    )
    paragraph, reviewer = paragraphs[anchor.paragraph], lookups.reviewer(record.reviewer)
    # Compared as `spans` would store them: a span given with white space at its edges is stored trimmed.
    start, end, quote = spans.anchor(
        paragraph=paragraph, start=anchor.start, end=anchor.end, quote=record.quote
    )
    same = Annotation.objects.filter(
        paragraph=paragraph, label__slug=record.label, start=start, end=end, reviewer=reviewer
    )
    if same.live().exists():
        report.existing += 1
        return
    deleted = same.filter(deleted_at__isnull=False).order_by("-deleted_at").first()
    if deleted is not None and not lookups.restore_deleted:
        report.not_restored.append(
            RecordError(
                record.line,
                f"{record.label} {quote!r} (span {deleted.pk}): deleted since the export, not restored; "
                "ask to restore deleted spans to bring it back.",
            )
        )
        return
    spans.create(
        paragraph=paragraph,
        label=record.label,
        start=start,
        end=end,
        quote=quote,
        reviewer=reviewer,
        note=record.note,
        attributed_to=record.attributed_to,
        imported_by=lookups.importer or reviewer,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
    report.created += 1
    report.restored += deleted is not None
    report.reanchored += anchor.moved


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items())
    return " ".join(error.messages)


def load(
    records: Iterable[SpanRecord | RecordError],
    *,
    partial: bool = False,
    dry_run: bool = False,
    default_reviewer=None,
    importer=None,
    restore_deleted: bool = False,
) -> ImportReport:
    """Anchor and create every record's span in one transaction; return what happened, line by line.

    A record whose span was deleted since (same paragraph, label, offsets and reviewer as a deleted span, and
    no live one) is reported in `not_restored` and left deleted, unless `restore_deleted`: then it is
    created again (counted in `created` and `restored`).

    The history records each span as imported by `importer` (by its reviewer when None); the spans keep
    the creation and update times the file gives.
    """
    report = ImportReport()
    lookups = _Lookups(default_reviewer, importer, restore_deleted)
    with transaction.atomic():
        for record in records:
            if isinstance(record, RecordError):
                report.problems.append(record)
                continue
            try:
                _load_one(record, lookups, report)
            except Unmatched as error:
                report.problems.append(RecordError(record.line, str(error)))
            except ValidationError as error:
                report.problems.append(RecordError(record.line, _message(error)))
        if dry_run or (report.problems and not partial):
            transaction.set_rollback(True)
        else:
            report.written = True
    return report
