"""Import spans from our JSONL or W3C export: find the article, anchor the span, create it through `spans`.

One transaction for the whole file. By default any problem (bad record, unknown article, label or reviewer,
quote not found) writes nothing; with `partial` the spans that anchor are kept and the rest reported.
Spans already present (same paragraph, label, offsets and reviewer) are counted, never duplicated or changed.
A span that was there and has been deleted since (an old export imported again) is not brought back: it is
reported as "deleted since the export, not restored", unless the import asks to restore deleted spans.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import orjson
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from annotator import spans
from annotator.formats import IMPORT_FORMATS, UnknownFormat, jsonl, units, w3c
from annotator.formats.anchoring import Unmatched, locate
from annotator.formats.span_records import RecordError, SpanRecord
from annotator.models import Annotation
from articles import importers
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
    # Peer formats only (`documents.load`): articles made from the file's texts, and what it holds that
    # has no equivalent here (relations, events, predictions...), reported rather than dropped.
    articles_created: int | None = None
    not_imported: list[RecordError] | None = None

    def as_dict(self) -> dict:
        report = {
            "created": self.created,
            "reanchored": self.reanchored,
            "existing": self.existing,
            "restored": self.restored,
            "written": self.written,
            "problems": [{"line": p.line, "message": p.message} for p in self.problems],
            "not_restored": [{"line": p.line, "message": p.message} for p in self.not_restored],
        }
        if self.articles_created is not None:
            report["articles_created"] = self.articles_created
        if self.not_imported is not None:
            report["not_imported"] = [{"line": p.line, "message": p.message} for p in self.not_imported]
        return report


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


PEER_FORMATS = ("doccano", "label-studio", "brat", "conll")
SPAN_IMPORT_FORMATS = (*IMPORT_FORMATS, *PEER_FORMATS)


def detect_any(content: str, name: str = "") -> str:
    """Return the span format of a file: peer formats by extension or shape, else `detect_format`."""
    lowered = name.lower()
    if lowered.endswith(".ann"):
        return "brat"
    if lowered.endswith((".conll", ".iob", ".bio", ".tsv")) or content.lstrip().startswith("-DOCSTART-"):
        return "conll"
    first = _first_value(content)
    if isinstance(first, list) and first and isinstance(first[0], dict) and "data" in first[0]:
        return "label-studio"
    if isinstance(first, dict) and "data" in first and ("annotations" in first or "predictions" in first):
        return "label-studio"
    if isinstance(first, dict) and "text" in first and ("label" in first or "entities" in first):
        return "doccano"
    return detect_format(content)


def detect_files(files: list[tuple[str, str]]) -> str:
    """Return the span format of (name, text) files: brat's when one is an `.ann`, else the first file's."""
    ann = next(((name, text) for name, text in files if name.lower().endswith(".ann")), files[0])
    return detect_any(ann[1], ann[0])


def decode_file(name: str, data: bytes) -> str:
    """Return a span file's text (`importers.decode`); a brat `.ann` may be empty: a text without spans."""
    if not data and name.lower().endswith(".ann"):
        return ""
    return importers.decode(data)


ZIP_SKIPPED = (".conf",)  # brat's configuration files, which an exported folder carries beside the pairs


def decode_upload(name: str, data: bytes) -> list[tuple[str, str]]:
    """Return the (name, text) files of an upload: a zip archive (our brat export, or a zipped brat folder)
    gives its `.txt`/`.ann` members, folders and brat's `.conf` files left out; any other file is itself.

    Raise `importers.ImportFailed` for an archive that cannot be read or is, unpacked, over the size limit
    (checked on the sizes the archive declares, then on the bytes read), or a member that is not UTF-8.
    """
    if not name.lower().endswith(".zip") and not data.startswith(b"PK\x03\x04"):
        return [(name, decode_file(name, data))]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            m for m in archive.infolist()
            if not m.is_dir() and not m.filename.startswith("__MACOSX/")
            and not m.filename.lower().endswith(ZIP_SKIPPED)
        ]  # fmt: skip
        importers.check_size(sum(m.file_size for m in members))
        files, total = [], 0
        for member in members:
            content = archive.read(member)
            total += len(content)
            importers.check_size(total)
            try:
                files.append((member.filename, decode_file(member.filename, content)))
            except importers.ImportFailed as error:
                raise importers.ImportFailed(f"{member.filename} in {name}: {error}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as error:
        raise importers.ImportFailed(f"{name} is not a readable zip archive ({error})") from None
    if not files:
        raise importers.ImportFailed(f"{name} holds no file to import: brat needs .txt and .ann pairs")
    return files


def _first_value(content: str) -> object:
    """Return the first JSON line's value, else the whole text's (a pretty-printed file), else None."""
    line = next((line for line in content.split("\n") if line.strip()), "")
    for candidate in (line, content):
        try:
            return orjson.loads(candidate)
        except orjson.JSONDecodeError:
            continue
    return None


def load_files(
    files: list[tuple[str, str]],
    *,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    offsets: str = units.CODE_POINTS,
    partial: bool = False,
    dry_run: bool = False,
    default_reviewer=None,
    importer=None,
    restore_deleted: bool = False,
) -> ImportReport:
    """Import spans from (name, text) files in any import format: ours through `read`/`load`, the peer
    tools' through `documents.load`. brat takes `.txt`/`.ann` pairs; the other formats one file.

    Raise `documents.FileRefused` (or `label_mapping.MappingError`) with one message when the file cannot be
    read at all; nothing is written then.
    """
    from annotator.formats import brat, conll_in, doccano_in, documents, label_mapping, label_studio_in

    format = format or detect_files(files)
    if format not in SPAN_IMPORT_FORMATS:
        raise UnknownFormat(format, SPAN_IMPORT_FORMATS)
    if format == "brat":
        peer = documents.merge(brat.read(text, ann, name=name) for name, text, ann in _brat_pairs(files))
    elif len(files) != 1:
        raise documents.FileRefused(f"the {format} format takes one file; only brat takes .txt/.ann pairs.")
    elif format in IMPORT_FORMATS:
        return load(read(files[0][1], format), partial=partial, dry_run=dry_run,
                    default_reviewer=default_reviewer, importer=importer,
                    restore_deleted=restore_deleted)  # fmt: skip
    elif format == "doccano":
        peer = doccano_in.read(files[0][1], unit=offsets)
    elif format == "label-studio":
        peer = label_studio_in.read(files[0][1], unit=offsets)
    else:
        peer = conll_in.read(files[0][1])
    labels = label_mapping.LabelMap(mapping)
    return documents.load(peer, labels=labels, partial=partial, dry_run=dry_run,
                          default_reviewer=default_reviewer, importer=importer)  # fmt: skip


def _brat_pairs(files: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Return (name of the .ann, text, annotations) for each `.ann` with its `.txt`."""
    from annotator.formats.documents import FileRefused

    texts = {name[: -len(".txt")]: text for name, text in files if name.lower().endswith(".txt")}
    pairs = []
    for name, ann in files:
        if name.lower().endswith(".ann"):
            stem = name[: -len(".ann")]
            if stem not in texts:
                raise FileRefused(
                    f"{name} has no {stem.rsplit('/', 1)[-1]}.txt beside it; brat needs both files."
                )
            pairs.append((name, texts[stem], ann))
        elif not name.lower().endswith(".txt"):
            raise FileRefused(f"{name} is neither a brat .txt nor a .ann file.")
    if not pairs:
        raise FileRefused("no .ann file: brat annotations come as a .txt and a .ann with the same name.")
    return pairs


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
