"""What every parser returns, and the one error type importers raise. Pure: no database access."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

TAG_KINDS = ("region", "theme", "in_depth_report")
# An absolute URI by RFC 3986: a scheme, then only the characters a URI may hold, "%" only before two hex
# digits. Browsers and the API's schema (format "uri") both refuse anything else.
URI_CHARACTER = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2}"
ABSOLUTE_URI = re.compile(rf"[A-Za-z][A-Za-z0-9+.-]*:(?:{URI_CHARACTER})*")


def is_absolute_uri(value: str) -> bool:
    """Return whether `value` is an absolute URI (RFC 3986), such as https://example.org/a?b=c."""
    return ABSOLUTE_URI.fullmatch(value) is not None


class ImportFailed(Exception):
    """A file cannot be imported. The message is written for the person who chose the file."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        self.errors = errors or [message]
        super().__init__(message)

    @classmethod
    def from_errors(cls, errors: list[str]) -> ImportFailed:
        """Return one exception that lists every problem found, so the user can fix them all at once."""
        if len(errors) == 1:
            return cls(errors[0], errors)
        return cls(f"{len(errors)} problems, nothing was imported: " + "; ".join(errors), errors)


@dataclass
class ArticleRecord:
    """One parsed article, before it touches the database.

    `publisher` and `original_source` are outlet names (Sources are looked up by slug when saved).
    `links` holds one list per paragraph of {"start", "end", "url"} code-point offsets into that paragraph.
    `line` is where the article starts in its file, for error messages. `canonical_url` and `page_url`
    come with a web page (stored as its `WebPage`); an article whose canonical URL is stored is a duplicate.
    """

    title: str
    paragraphs: list[str]
    byline: str = ""
    publisher: str | None = None
    published_on: datetime.date | None = None
    original_source: str | None = None
    original_published_on: datetime.date | None = None
    url: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)
    language: str = "en"
    links: list[list[dict]] = field(default_factory=list)
    raw_text: str = ""
    line: int = 1
    # A web page's: the canonical URL it names (or its own), and where it was fetched or sent from.
    canonical_url: str | None = None
    page_url: str | None = None

    def __post_init__(self) -> None:
        if not self.links:
            self.links = [[] for _ in self.paragraphs]


def check(record: ArticleRecord) -> list[str]:
    """Return what would stop the record from being stored: lengths past the columns, NUL characters."""
    from articles.models import Article, Source, Tag

    def limit(model, name: str) -> int:
        return model._meta.get_field(name).max_length

    where = f"line {record.line}"
    problems = []
    for label, value, max_length in [
        ("the title", record.title, limit(Article, "title")),
        ("the byline", record.byline, limit(Article, "byline")),
        ("the publisher's name", record.publisher or "", limit(Source, "name")),
        ("the original source's name", record.original_source or "", limit(Source, "name")),
        ("the URL", record.url or "", limit(Article, "url")),
        ("the language code", record.language, limit(Article, "language")),
        *(("a tag", name, limit(Tag, "name")) for _, name in record.tags),
    ]:
        if len(value) > max_length:
            problems.append(f"{where}: {label} is {len(value)} characters long; the limit is {max_length}")
    if record.url and not is_absolute_uri(record.url):
        problems.append(
            f"{where}: the URL {record.url!r} is not a valid absolute URI (RFC 3986); "
            "write it like https://example.org/story, with spaces and other special characters %-encoded"
        )
    if "\x00" in record.title or any("\x00" in paragraph for paragraph in record.paragraphs):
        problems.append(f"{where}: the text contains a NUL character, which cannot be stored")
    if len(record.links) != len(record.paragraphs):
        problems.append(f"{where}: there must be one list of links per paragraph")
    return problems
