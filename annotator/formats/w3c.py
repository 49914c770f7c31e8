"""W3C Web Annotation Data Model: one JSON-LD annotation per line, per span; also read back for import.

Each annotation targets its article (`source`: the article URL, or `urn:sha256:<checksum>` when it has
none) with a TextQuoteSelector (exact, plus up to 32 characters of prefix/suffix from the paragraph) and
a TextPositionSelector (code points into the article text: paragraphs joined with "\\n\\n"). Bodies:
the label slug with purpose `tagging`, the note with `commenting`, `attributed_to` with `identifying`.
The reviewer is the `creator` (a Person with a `nickname`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotator.formats.span_records import (
    FieldError,
    RecordError,
    SpanRecord,
    json_lines,
    span_record,
    timestamp,
)

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonld"
NEEDS_TEXTS = False
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CHECKSUM_URN = "urn:sha256:"
PURPOSES = {"tagging": "label", "commenting": "note", "identifying": "attributed_to"}
# Where each field of the span record sits in an annotation, for the import's messages.
NAMES = {
    "quote": "exact",
    "prefix": "prefix",
    "suffix": "suffix",
    "label": "the tagging body's value",
    "note": "the commenting body's value",
    "attributed_to": "the identifying body's value",
    "reviewer": "creator",
    "article_url": "source",
    "article_checksum": "source",
    "article_start": "start",
    "article_end": "end",
    "created_at": "created",
    "updated_at": "modified",
}


def annotation_id(base: str, pk: int) -> str:
    """Return the annotation's IRI: an API URL ends with a slash (the API's own form, which answers without
    a redirect), a URN base does not."""
    return f"{base}{pk}/" if base.endswith("/") else f"{base}{pk}"


def annotation(row: dict, *, annotation_base: str) -> dict:
    """Return the JSON-LD annotation of one export row."""
    body = [{"type": "TextualBody", "purpose": "tagging", "value": row["label"]}]
    if row["note"]:
        body.append(
            {"type": "TextualBody", "purpose": "commenting", "value": row["note"], "format": "text/plain"}
        )
    if row["attributed_to"]:
        body.append({"type": "TextualBody", "purpose": "identifying", "value": row["attributed_to"]})
    return {
        "@context": CONTEXT,
        "id": annotation_id(annotation_base, row["id"]),
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Person", "nickname": row["reviewer"]},
        "created": timestamp(row["created_at"]),
        "modified": timestamp(row["updated_at"]),
        "body": body,
        "target": {
            "source": row["article_url"] or f"{CHECKSUM_URN}{row['article_checksum']}",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": row["quote"],
                    "prefix": row["prefix"],
                    "suffix": row["suffix"],
                },
                {"type": "TextPositionSelector", "start": row["article_start"], "end": row["article_end"]},
            ],
        },
    }


def write(
    rows: Iterable[dict], *, annotation_base: str = "urn:provenance:annotation:", **_options
) -> Iterator[bytes]:
    """Yield one annotation per line."""
    for row in rows:
        yield orjson.dumps(annotation(row, annotation_base=annotation_base), option=orjson.OPT_APPEND_NEWLINE)


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _selectors(target: dict) -> tuple[dict, dict]:
    quote, position = {}, {}
    for selector in _as_list(target.get("selector")):
        if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector":
            quote = selector
        elif isinstance(selector, dict) and selector.get("type") == "TextPositionSelector":
            position = selector
    if not quote:
        raise FieldError("the target has no TextQuoteSelector, so the span's text cannot be checked.")
    return quote, position


def _bodies(data: dict) -> dict[str, object]:
    found = {}
    for body in _as_list(data.get("body")):
        if isinstance(body, dict) and body.get("purpose") in PURPOSES:
            found[PURPOSES[body["purpose"]]] = body.get("value")
    if "label" not in found:
        raise FieldError("no body with purpose 'tagging' names the label.")
    return found


def _reviewer(creator: object) -> object:
    creator = creator[0] if isinstance(creator, list) and creator else creator
    return (creator.get("nickname") or creator.get("name")) if isinstance(creator, dict) else None


def fields(data: dict) -> dict:
    """Return the span record fields of one annotation (see `span_records.SpanRecordSerializer`), or raise
    FieldError when its structure is not that of a text annotation."""
    if "Annotation" not in _as_list(data.get("type")):
        raise FieldError("'type' must be 'Annotation'.")
    targets = [t for t in _as_list(data.get("target")) if isinstance(t, dict)]
    if len(targets) != 1:
        raise FieldError("expected exactly one target object with a source and selectors.")
    source = targets[0].get("source")
    if not isinstance(source, str) or not source:
        raise FieldError("the target's 'source' must name the article (its url or urn:sha256:<checksum>).")
    quote, position = _selectors(targets[0])
    is_checksum = source.startswith(CHECKSUM_URN)
    return {
        **_bodies(data),
        "quote": quote.get("exact"),
        "prefix": quote.get("prefix"),
        "suffix": quote.get("suffix"),
        "reviewer": _reviewer(data.get("creator")),
        "article_checksum": source.removeprefix(CHECKSUM_URN) if is_checksum else None,
        "article_url": None if is_checksum else source,
        "article_start": position.get("start"),
        "article_end": position.get("end"),
        "created_at": data.get("created"),
        "updated_at": data.get("modified"),
    }


def record(data: object, line: int) -> SpanRecord | RecordError:
    """Return the span record of one annotation, or the error to report for its line."""
    if not isinstance(data, dict):
        return RecordError(line, f"expected a JSON object, got {type(data).__name__}.")
    try:
        return span_record(fields(data), line, NAMES)
    except FieldError as error:
        return RecordError(line, str(error))


def _items(document: object) -> list | None:
    """Return the annotations of a parsed document: one, a list, an AnnotationPage or a Collection."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    if "items" in document:
        return _as_list(document["items"])
    first = document.get("first")
    if isinstance(first, dict) and "items" in first:
        return _as_list(first["items"])
    return [document]


def read(text: str) -> Iterator[SpanRecord | RecordError]:
    """Yield a record or an error per annotation of a JSON document or of JSON lines (numbered from 1)."""
    try:
        items = _items(orjson.loads(text))
        numbered = list(enumerate(items or [], start=1))
        if items is None:
            yield RecordError(1, "expected an annotation, a list of them, or an AnnotationPage/Collection.")
    except orjson.JSONDecodeError:
        numbered = []
        for item in json_lines(text):
            if isinstance(item, RecordError):
                yield item
            else:
                numbered.append(item)
    for number, data in numbered:
        yield record(data, number)
