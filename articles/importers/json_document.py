"""Single-document JSON: one article per file, as corpora such as BASIL ship them, read by a field mapping.

    {"title": "...", "date": "2010-07-02", "source": "nyt", "url": "https://...",
     "body-paragraphs": [["First sentence.", "Second."], ["Next paragraph."]]}

`fields` maps each of our fields to the document's key (`paragraphs=body-paragraphs`); a field left unmapped
is looked up under the names in DEFAULT_KEYS, first found wins. The body is a string (paragraphs
separated by blank lines), a list of paragraph strings, or a list of paragraphs each a list of sentences
(joined with one space). Dates take the first ten characters when they are an ISO date (`2010-07-02`,
`2010-07-02T10:00:00Z`). Other keys are ignored; the whole file is kept as the article's raw text.
"""

from __future__ import annotations

import datetime
import json

from articles.importers.article_record import ArticleRecord, ImportFailed

OUR_FIELDS = ("title", "paragraphs", "byline", "publisher", "published_on", "url", "language")
DEFAULT_KEYS = {
    "title": ("title", "headline"),
    "paragraphs": ("paragraphs", "body-paragraphs", "text", "body", "content"),
    "byline": ("byline", "author", "authors"),
    "publisher": ("publisher", "source", "site_name", "sitename"),
    "published_on": ("published_on", "date", "published", "publication_date"),
    "url": ("url", "link"),
    "language": ("language", "lang"),
}


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """Return {our field: their key} from `ours=theirs` strings; raise ImportFailed naming a bad one."""
    mapping = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or ours.strip() not in OUR_FIELDS or not theirs.strip():
            raise ImportFailed(
                f"write a field mapping as OURS=THEIRS with OURS one of {', '.join(OUR_FIELDS)} "
                f"(for example paragraphs=body-paragraphs), not {pair!r}"
            )
        mapping[ours.strip()] = theirs.strip()
    return mapping


def _value(document: dict, field: str, fields: dict[str, str]) -> object:
    if field in fields:
        if fields[field] not in document:
            raise ImportFailed(f"the document has no {fields[field]!r} (mapped to {field}); its keys are: "
                               f"{', '.join(document)}")  # fmt: skip
        return document[fields[field]]
    return next((document[key] for key in DEFAULT_KEYS[field] if key in document), None)


def _text(value: object, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(item.strip() for item in value if item.strip())  # several authors
    if not isinstance(value, str):
        raise ImportFailed(f"{field} must be a string, not {type(value).__name__}")
    return value.strip()


def _paragraphs(value: object) -> list[str]:
    if isinstance(value, str):
        blocks = value.replace("\r\n", "\n").split("\n\n")
        return [
            " ".join(line.strip() for line in block.split("\n") if line.strip())
            for block in blocks
            if block.strip()
        ]
    if isinstance(value, list):
        paragraphs = []
        for item in value:
            if isinstance(item, list) and all(isinstance(sentence, str) for sentence in item):
                item = " ".join(item)
            if not isinstance(item, str):
                raise ImportFailed(
                    "the body must be a text, a list of paragraphs, or a list of lists of sentences"
                )
            if item.strip():
                paragraphs.append(item)
        return paragraphs
    raise ImportFailed("the body must be a text, a list of paragraphs, or a list of lists of sentences")


def _date(value: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise ImportFailed(f"the date {value!r} is not an ISO date such as 2010-07-02") from None


def parse(text: str, fields: dict[str, str] | None = None) -> list[ArticleRecord]:
    """Return the one article of a JSON document; raise ImportFailed with the reason."""
    fields = fields or {}
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    if not isinstance(document, dict):
        raise ImportFailed(f"expected one JSON object (one article), found {type(document).__name__}")
    title = _text(_value(document, "title", fields), "the title")
    if not title:
        raise ImportFailed(
            f"the document has no title; map one with title=KEY (its keys are: {', '.join(document)})"
        )
    body = _value(document, "paragraphs", fields)
    if body is None:
        raise ImportFailed(
            f"the document has no body; map it with paragraphs=KEY (its keys are: {', '.join(document)})"
        )
    paragraphs = _paragraphs(body)
    if not paragraphs:
        raise ImportFailed("the article has no paragraphs")
    return [
        ArticleRecord(
            title=title,
            paragraphs=paragraphs,
            byline=_text(_value(document, "byline", fields), "the byline"),
            publisher=_text(_value(document, "publisher", fields), "the publisher") or None,
            published_on=_date(_text(_value(document, "published_on", fields), "the date")),
            url=_text(_value(document, "url", fields), "the url") or None,
            language=_text(_value(document, "language", fields), "the language") or "en",
            raw_text=text,
        )
    ]


def is_one_document(text: str) -> bool:
    """Return whether the text is one JSON object written over several lines (not JSON Lines)."""
    if text.lstrip()[:1] != "{" or len([line for line in text.split("\n") if line.strip()]) < 2:
        return False
    try:
        return isinstance(json.loads(text), dict)
    except (json.JSONDecodeError, RecursionError):
        return False
