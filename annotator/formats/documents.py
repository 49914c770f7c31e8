"""Spans from peer tools (doccano, Label Studio, brat, CoNLL): documents with their text, loaded as our spans.

Every peer reader returns `PeerDocument`s: a document's text and its spans as code-point offsets into that
text. Loading one finds its article or creates it, turns each span into a `SpanRecord` placed by
article-level offsets, and hands the records to `loader.load`, so a peer span is anchored, re-anchored,
checked and reported exactly as a span of our JSONL export, and written through `annotator.spans`.

The article is found, in this order, by the checksum the document carries (our exports' metadata), by its
text's checksum (a text that is an article's title and paragraphs), by its text (the same paragraphs as a
stored article, white space aside), by its URL, and by an article id it
carries when that article's text is the document's text, white space aside (an id alone, which may come
from another database, is not trusted). Otherwise the document's text becomes a new article through the
corpus importer (`articles.importers.save_article`): one paragraph per line, kept as it is, blank lines
dropped; titled with the document's title or the start of its first paragraph.

Offsets move from the document's text to the article's text unchanged when the two are equal, else by
matching their non-white-space characters one to one (a CoNLL text has its tokens joined by single
spaces); when the texts differ in more than white space, the span is searched by its quote and context.
One transaction for the file, articles included: when the spans are refused, no article is kept either.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from annotator.formats import label_mapping, loader
from annotator.formats.anchoring import SEPARATOR, Unmatched
from annotator.formats.label_mapping import LabelMap
from annotator.formats.span_records import RecordError, SpanRecord
from articles import importers
from articles.models import Article

CONTEXT = 32
TITLE_LENGTH = 100
# A line break, with any blank lines after it. Spaces at the end of a line stay with it: our paragraphs may
# end in one, and an exported text must come back as the same paragraphs.
_LINE_BREAKS = re.compile(r"\r?\n(?:[ \t\f\v]*\r?\n)*")


class FileRefused(ValueError):
    """The file is not what its format says, or cannot be imported at all: one message, nothing written."""


@dataclass
class PeerSpan:
    line: int
    start: int
    end: int
    label: str
    quote: str | None = None  # what the file says the span covers, when it says so
    trusted: bool = True  # False when the offsets do not hold the quote: place it by its quote instead
    note: str = ""
    reviewer: str | None = None
    where: str = ""  # how the file names the span, for messages ("T3", "task 2, result 'x'")


@dataclass
class PeerDocument:
    line: int
    text: str
    spans: list[PeerSpan] = field(default_factory=list)
    title: str = ""
    url: str | None = None
    article_checksum: str | None = None
    article_id: int | None = None


@dataclass
class PeerFile:
    """What a reader made of a file: its documents, span problems, and what it holds that we cannot keep."""

    documents: list[PeerDocument] = field(default_factory=list)
    problems: list[RecordError] = field(default_factory=list)
    not_imported: list[RecordError] = field(default_factory=list)


def check_offsets(text: str, start: object, end: object) -> str | None:
    """Return why (start, end) cannot be a span of `text`, or None."""
    if (
        not isinstance(start, int)
        or not isinstance(end, int)
        or isinstance(start, bool)
        or isinstance(end, bool)
    ):
        return f"offsets must be whole numbers, not {start!r} and {end!r}."
    if not 0 <= start < end <= len(text):
        return f"offsets {start}-{end} are out of range: the text has {len(text):,} characters."
    return None


def paragraphs_of(text: str) -> list[str]:
    """Return the paragraphs an article made from `text` has: its lines, as they are, blank ones dropped
    (our exports join paragraphs with a blank line, and our paragraphs hold no line break)."""
    return [line for line in _LINE_BREAKS.split(text) if line.strip()]


def _title(document: PeerDocument, paragraphs: list[str]) -> str:
    if document.title.strip():
        return document.title.strip()[:300]
    first = paragraphs[0].strip()
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first.rfind(" ", 0, TITLE_LENGTH)
    return first[: cut if cut > 0 else TITLE_LENGTH].rstrip() + "…"


def _solid(text: str) -> tuple[str, list[int]]:
    """Return the text without white space and where each kept character was."""
    where = [i for i, c in enumerate(text) if not c.isspace()]
    return "".join(text[i] for i in where), where


class OffsetMap:
    """Moves offsets from a document's text to an article's text when they differ in white space only."""

    def __init__(self, source: str, target: str) -> None:
        self.identity = source == target
        self.source_at: list[int] = []
        self.target_at: list[int] = []
        self.usable = self.identity
        if not self.identity:
            source_solid, self.source_at = _solid(source)
            target_solid, self.target_at = _solid(target)
            self.usable = source_solid == target_solid

    def move(self, start: int, end: int) -> tuple[int, int] | None:
        """Return the target offsets of the non-white-space characters in start..end (None when none)."""
        if self.identity:
            return start, end
        first, last = bisect_left(self.source_at, start), bisect_left(self.source_at, end) - 1
        if first > last:
            return None
        return self.target_at[first], self.target_at[last] + 1


class _Articles:
    """Finds each document's article, or creates it through the corpus importer; counts those created."""

    def __init__(self, importer) -> None:
        self.importer = importer
        self.created = 0

    def find(self, document: PeerDocument, paragraphs: list[str]) -> Article | None:
        visible = Article.objects.visible()
        if document.article_checksum:
            found = visible.filter(checksum=document.article_checksum).first()
            if found is not None:
                return found
        if paragraphs:
            # A text that is an article's title and paragraphs is that article (its content checksum).
            found = visible.filter(checksum=Article.checksum_of(paragraphs)).first()
            if found is not None:
                return found
            for candidate in visible.filter(
                paragraphs__position=0, paragraphs__text=paragraphs[0]
            ).distinct():
                if self._same_text(candidate, document.text):
                    return candidate
        if document.url:
            matches = list(visible.filter(url=document.url)[:2])
            if len(matches) == 1:
                return matches[0]
        if document.article_id is not None:
            found = visible.filter(pk=document.article_id).first()
            if found is not None and self._same_text(found, document.text):
                return found
        return None

    @staticmethod
    def _same_text(article: Article, text: str) -> bool:
        stored = SEPARATOR.join(article.paragraphs.order_by("position").values_list("text", flat=True))
        return OffsetMap(text, stored).usable

    def find_or_create(self, document: PeerDocument) -> Article:
        paragraphs = paragraphs_of(document.text)
        found = self.find(document, paragraphs)
        if found is not None:
            return found
        if not paragraphs:
            raise Unmatched("the document has no text.")
        record = importers.ArticleRecord(
            title=_title(document, paragraphs), paragraphs=paragraphs, url=document.url,
            raw_text=document.text, line=document.line,
        )  # fmt: skip
        try:
            article = importers.save_article(record, imported_by=self.importer)
        except importers.ImportFailed as error:
            raise Unmatched(f"its text cannot become an article: {error}.") from None
        if article is None:  # the same title and text are stored, as a deleted article
            raise Unmatched(
                f"its text is the deleted article {record.title!r}; restore the article to import its spans."
            )
        self.created += 1
        return article


def _record(
    span: PeerSpan, document: PeerDocument, article: Article, text: str, moved: OffsetMap, label: str
) -> SpanRecord | RecordError:
    base = dict(
        line=span.line, label=label, reviewer=span.reviewer, article_checksum=article.checksum, note=span.note
    )
    if span.trusted and moved.usable:
        placed = moved.move(span.start, span.end)
        if placed is None:
            return RecordError(span.line, f"{span.where or 'the span'} covers only white space.")
        start, end = placed
        return SpanRecord(
            **base, quote=text[start:end], article_start=start, article_end=end,
            prefix=text[max(0, start - CONTEXT) : start], suffix=text[end : end + CONTEXT],
        )  # fmt: skip
    source = document.text
    quote = span.quote if span.quote is not None else source[span.start : span.end]
    if not span.trusted:  # the file's offsets are wrong: the quote alone places the span
        return SpanRecord(**base, quote=quote)
    return SpanRecord(
        **base, quote=quote, article_start=span.start, article_end=span.end,
        prefix=source[max(0, span.start - CONTEXT) : span.start],
        suffix=source[span.end : span.end + CONTEXT],
    )  # fmt: skip


def load(
    peer: PeerFile,
    *,
    labels: LabelMap,
    partial: bool = False,
    dry_run: bool = False,
    default_reviewer=None,
    importer=None,
) -> loader.ImportReport:
    """Find or create each document's article and load its spans; one transaction for everything."""
    slugs = {id(span): labels.resolve(span.label, span.line) for d in peer.documents for span in d.spans}
    refusal = labels.refusal()
    if refusal:
        first = min(labels.unknown.values())
        report = loader.ImportReport(problems=[RecordError(first, refusal)])
        report.not_imported = peer.not_imported
        return report
    nameless = next((s for d in peer.documents for s in d.spans if not s.reviewer), None)
    if nameless is not None and default_reviewer is None:
        report = loader.ImportReport(
            problems=[
                RecordError(
                    nameless.line, "the file names no reviewer for its spans; name a default reviewer."
                )
            ]
        )
        report.not_imported = peer.not_imported
        return report
    skipped: dict[str, list[int]] = {}
    for document in peer.documents:
        kept = []
        for span in document.spans:
            if slugs[id(span)] == label_mapping.SKIP:
                skipped.setdefault(span.label, []).append(span.line)
            else:
                kept.append(span)
        document.spans = kept
    peer.not_imported += [
        RecordError(lines[0], f"{len(lines):,} span(s) labelled {name!r}: the label is mapped to nothing.")
        for name, lines in sorted(skipped.items())
    ]
    articles = _Articles(importer or default_reviewer)
    with transaction.atomic():
        items: list[SpanRecord | RecordError] = list(peer.problems)
        for document in peer.documents:
            if not document.spans:
                continue
            try:
                article = articles.find_or_create(document)
            except Unmatched as error:
                items.append(RecordError(document.line, f"document at line {document.line}: {error}"))
                continue
            text = SEPARATOR.join(article.paragraphs.order_by("position").values_list("text", flat=True))
            moved = OffsetMap(document.text, text)
            items += [
                _record(span, document, article, text, moved, slugs[id(span)]) for span in document.spans
            ]
        items.sort(key=lambda item: item.line)
        report = loader.load(
            items, partial=partial, dry_run=dry_run, default_reviewer=default_reviewer, importer=importer
        )
        if not report.written:
            transaction.set_rollback(True)
    # A dry run says how many articles the import would make; a refused import made none.
    report.articles_created = articles.created if report.written or dry_run else 0
    report.not_imported = peer.not_imported
    return report


def merge(files: Iterable[PeerFile]) -> PeerFile:
    merged = PeerFile()
    for one in files:
        merged.documents += one.documents
        merged.problems += one.problems
        merged.not_imported += one.not_imported
    return merged
