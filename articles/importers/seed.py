"""The seeds' format: a republished web article saved as text, one paragraph per line.

    <blank lines>
    Title
    By [Author](#)
    Publisher, December 10, 2016
    [Original Source](#) 9 December 2016
    Region: [Middle East & North Africa](#)
    Theme: [Terrorism](#), [US NATO War Agenda](#)
    In-depth Report: [SYRIA](#)
    Body paragraph, one per non-blank line, footers included ...

Header lines are optional and recognised by shape; the first line that is not a header starts the body.
Every non-blank body line is its own paragraph (the format never wraps), footers and boilerplate included,
because analysts tag those as boilerplate.
"""

from __future__ import annotations

import datetime
import itertools
import re

from articles.importers.article_record import ArticleRecord, ImportFailed
from articles.importers.markup import to_plain
from articles.text import MARKDOWN_LINK

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"]  # fmt: skip
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)} | {
    name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)
}
TAG_KINDS = {"region": "region", "theme": "theme", "in-depth report": "in_depth_report"}

# A byline is short and is not a sentence: "By the time the council met, ..." starts a body.
_BYLINE = re.compile(r"^By\s+(?P<names>\S.{0,150}?)(?<![.!?])$")
_PUBLISHED = re.compile(r"^(?P<name>\S.*?),\s+(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),\s+(?P<year>\d{4})$")
_ORIGINAL = re.compile(r"^(?P<name>\S.*?)\s+(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\.?\s+(?P<year>\d{4})$")
_TAGS = re.compile(r"^(?P<kind>Region|Theme|In-depth Report):\s*(?P<names>.*)$", re.IGNORECASE)
_ORIGINAL_FOOTER = re.compile(r"^The original source of this article is\s+(?P<name>\S.*?)\.?$")


def lines_of(text: str) -> list[str]:
    """Return the text's lines with CRLF and CR line ends read as LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _date(match: re.Match, number: int, errors: list[str]) -> datetime.date | None:
    try:
        return datetime.date(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
    except ValueError:
        errors.append(f"line {number}: {match.group(0)!r} does not hold a valid date")
        return None


def _dated(pattern: re.Pattern, line: str) -> re.Match | None:
    match = pattern.match(line)
    return match if match and match["month"].lower() in MONTHS else None


def _tag_names(raw: str) -> list[str]:
    names = [link["label"] for link in MARKDOWN_LINK.finditer(raw)] or to_plain(raw)[0].split(",")
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def _read_header(record: ArticleRecord, line: str, number: int, errors: list[str]) -> bool:
    """Fill one header field from the line; return False when the line is not a header line."""
    plain = to_plain(line)[0]
    if (match := _TAGS.match(plain)) is not None:
        kind = TAG_KINDS[match["kind"].lower()]
        record.tags.extend((kind, name) for name in _tag_names(line.split(":", 1)[1]))
        return True
    if not record.byline and record.publisher is None and (match := _BYLINE.match(plain)):
        record.byline = match["names"].strip()
        return True
    if record.publisher is None and (match := _dated(_PUBLISHED, plain)):
        record.publisher, record.published_on = match["name"].strip(), _date(match, number, errors)
        return True
    if record.original_source is None and (match := _dated(_ORIGINAL, plain)):
        record.original_source = match["name"].strip()
        record.original_published_on = _date(match, number, errors)
        return True
    return False


def _header_end(lines: list[str], record: ArticleRecord, start: int, errors: list[str]) -> int:
    index = start
    while index < len(lines):
        line = lines[index].strip()
        if line and not _read_header(record, line, index + 1, errors):
            break
        index += 1
    return index


def looks_like(text: str) -> bool:
    """Return True when a header line (byline, publisher and date, tags) follows the title."""
    found = itertools.islice(filter(None, (line.strip() for line in text[:4096].splitlines())), 2)
    title, header = next(found, ""), next(found, None)
    return header is not None and _read_header(ArticleRecord(title=title, paragraphs=[]), header, 2, [])


def parse(text: str) -> list[ArticleRecord]:
    """Return the one article in the text; raise ImportFailed listing every problem found."""
    lines = lines_of(text)
    title_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_index is None:
        raise ImportFailed("the file has no text")
    errors: list[str] = []
    record = ArticleRecord(title=to_plain(lines[title_index].strip())[0], paragraphs=[], raw_text=text)
    record.line = title_index + 1
    body_start = _header_end(lines, record, title_index + 1, errors)
    for line in filter(None, map(str.strip, lines[body_start:])):
        paragraph, links = to_plain(line)
        if paragraph:
            record.paragraphs.append(paragraph)
            record.links.append(links)
    if not record.paragraphs:
        errors.append(f"line {record.line}: the article {record.title!r} has no text after its header")
    if record.original_source is None:
        footer = next(filter(None, map(_ORIGINAL_FOOTER.match, record.paragraphs)), None)
        record.original_source = footer["name"] if footer else None
    if errors:
        raise ImportFailed.from_errors(errors)
    return [record]
