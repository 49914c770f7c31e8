"""JSON Lines: one article per line. `dumps` writes the same shape `parse` reads, so exports round-trip.

    {"title": "...", "paragraphs": ["...", "..."], "publisher": "South Front", "byline": "...",
     "published_on": "2016-12-10", "url": "https://...", "tags": [{"kind": "theme", "name": "Terrorism"}]}

`text` (paragraphs separated by blank lines) may replace `paragraphs`. A plain string in `tags` is a theme.
Values are taken literally: no markdown is interpreted. Every bad line is reported with its number, and a
file with any bad line imports nothing.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from articles.importers.article_record import TAG_KINDS, ArticleRecord, ImportFailed
from articles.importers.json_document import is_one_document

FIELDS = (
    "title", "text", "paragraphs", "links", "publisher", "byline", "published_on",
    "original_source", "original_published_on", "url", "tags", "language",
)  # fmt: skip
_OPTIONAL_TEXT = ("publisher", "byline", "original_source", "url", "language")
_is_url = URLValidator(schemes=["http", "https"])


class _BadLine(Exception):
    pass


def _text(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _BadLine(f"{key!r} must be a string, not {type(value).__name__}")
    return value.strip() if value is not None else None


def _date(obj: dict, key: str) -> datetime.date | None:
    value = _text(obj, key)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _BadLine(f"{key!r} must be a date written YYYY-MM-DD, not {value!r}") from None


def _paragraphs(obj: dict) -> list[str]:
    if "text" in obj and "paragraphs" in obj:
        raise _BadLine("give either 'text' or 'paragraphs', not both")
    if "text" in obj:
        text = _text(obj, "text") or ""
        blocks = text.replace("\r\n", "\n").split("\n\n")
        joined = (" ".join(line.strip() for line in block.split("\n") if line.strip()) for block in blocks)
        return [paragraph for paragraph in joined if paragraph]
    paragraphs = obj.get("paragraphs")
    if paragraphs is None:
        raise _BadLine("'text' or 'paragraphs' is missing")
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise _BadLine("'paragraphs' must be a list of strings")
    for number, paragraph in enumerate(paragraphs, 1):
        if not paragraph.strip():
            raise _BadLine(f"paragraph {number} is empty")
    return paragraphs


def _links(obj: dict, paragraphs: list[str]) -> list[list[dict]]:
    links = obj.get("links")
    if links is None:
        return [[] for _ in paragraphs]
    if "paragraphs" not in obj or not isinstance(links, list) or len(links) != len(paragraphs):
        raise _BadLine("'links' must be a list with one list of links per paragraph")
    for number, (paragraph, found) in enumerate(zip(paragraphs, links, strict=True), 1):
        for link in found if isinstance(found, list) else [None]:
            if not (
                isinstance(link, dict)
                and set(link) == {"start", "end", "url"}
                and isinstance(link["start"], int)
                and isinstance(link["end"], int)
                and 0 <= link["start"] < link["end"] <= len(paragraph)
                and isinstance(link["url"], str)
            ):
                raise _BadLine(f"paragraph {number} has a link that is not {{start, end, url}} in its text")
    return links


def _tags(obj: dict) -> list[tuple[str, str]]:
    tags = obj.get("tags") or []
    if not isinstance(tags, list):
        raise _BadLine("'tags' must be a list")
    found = []
    for tag in tags:
        if isinstance(tag, str):
            tag = {"kind": "theme", "name": tag}
        if not (isinstance(tag, dict) and tag.get("kind") in TAG_KINDS and isinstance(tag.get("name"), str)):
            raise _BadLine(f"each tag is a string or {{kind, name}} with kind one of {', '.join(TAG_KINDS)}")
        if tag["name"].strip():
            found.append((tag["kind"], tag["name"].strip()))
    return list(dict.fromkeys(found))


def _refuse_lone_surrogates(obj: dict) -> None:
    """JSON may escape half of a UTF-16 pair (`\\ud800`) on its own, which is no character: no database
    stores it, and it would fail the whole batch's transaction."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        half = ord(error.object[error.start])
        raise _BadLine(
            f"\\u{half:04x} is half of a UTF-16 surrogate pair, not a character; "
            "write the character itself or both halves of its pair"
        ) from None


def _record(line: str, number: int) -> ArticleRecord:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise _BadLine(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise _BadLine("not valid JSON (nested too deeply)") from None
    if not isinstance(obj, dict):
        raise _BadLine(f"expected one JSON object per line, found {type(obj).__name__}")
    _refuse_lone_surrogates(obj)
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise _BadLine(f"unknown field {unknown[0]!r} (the fields are: {', '.join(FIELDS)})")
    title = _text(obj, "title")
    if not title:
        raise _BadLine("'title' is missing or empty")
    texts = {key: _text(obj, key) for key in _OPTIONAL_TEXT}
    if texts["url"]:
        try:
            _is_url(texts["url"])
        except ValidationError:
            raise _BadLine(f"'url' is not an http(s) address: {texts['url']!r}") from None
    paragraphs = _paragraphs(obj)
    if not paragraphs:
        raise _BadLine("the article has no paragraphs")
    return ArticleRecord(
        title=title,
        paragraphs=paragraphs,
        links=_links(obj, paragraphs),
        byline=texts["byline"] or "",
        publisher=texts["publisher"] or None,
        published_on=_date(obj, "published_on"),
        original_source=texts["original_source"] or None,
        original_published_on=_date(obj, "original_published_on"),
        url=texts["url"] or None,
        tags=_tags(obj),
        language=texts["language"] or "en",
        raw_text=line,
        line=number,
    )


ONE_DOCUMENT = (
    "the file is one JSON document, not JSON Lines: use the json format (one article per file: "
    '`--format json`, "json" in the admin\'s upload form; map its fields with `--field paragraphs=KEY`), '
    "or write one article per line"
)


def parse(text: str) -> list[ArticleRecord]:
    """Return one record per non-blank line; raise ImportFailed listing every bad line (or, for a file that
    is one JSON object over several lines, saying so instead of reporting each of its lines)."""
    if is_one_document(text):
        raise ImportFailed(ONE_DOCUMENT)
    records: list[ArticleRecord] = []
    errors: list[str] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if not line.strip():
            continue
        try:
            records.append(_record(line.strip(), number))
        except _BadLine as error:
            errors.append(f"line {number}: {error}")
    if errors:
        raise ImportFailed.from_errors(errors)
    if not records:
        raise ImportFailed("the file has no articles")
    return records


def dumps(record: ArticleRecord) -> str:
    """Return the record as one JSON line (no trailing newline) that `parse` reads back unchanged."""
    row = {
        "title": record.title,
        "byline": record.byline,
        "publisher": record.publisher,
        "published_on": record.published_on.isoformat() if record.published_on else None,
        "original_source": record.original_source,
        "original_published_on": (
            record.original_published_on.isoformat() if record.original_published_on else None
        ),
        "url": record.url,
        "language": record.language,
        "tags": [{"kind": kind, "name": name} for kind, name in record.tags],
        "paragraphs": record.paragraphs,
    }
    if any(record.links):
        row["links"] = record.links
    return json.dumps(row, ensure_ascii=False)
