"""Reading doccano's sequence-labelling JSONL: `{"text": ..., "label": [[start, end, label], ...]}` per line.

The text may be under `data` or `column_data`, the spans under `labels` or `column_label` (doccano's
import dialog lets a project rename them). Also the relation projects' shape (`entities` with
`start_offset`/`end_offset`/`label`; its `relations` are
reported as not imported) and a whole-file JSON array or pretty-printed object of such lines. doccano stores
code-point offsets (its own export); a file from a project that counts UTF-16 units is read with
`offsets=utf16`. doccano's lines carry no reviewer. `meta` (or the line itself) may name our article by
`article_checksum`, `url` or `article`, and give a `title` for an article the import creates.
"""

from __future__ import annotations

import orjson

from annotator.formats import units
from annotator.formats.documents import FileRefused, PeerDocument, PeerFile, PeerSpan, check_offsets
from annotator.formats.span_records import RecordError

# doccano's default column names, then the ones its import examples use (the names are configurable there).
TEXT_KEYS = ("text", "data", "column_data")
LABEL_KEYS = ("label", "labels", "column_label")


def _values(content: str) -> list[tuple[int, object]]:
    """Return (line, value) per JSON line; a whole-file JSON array or object counts as its items."""
    lines = [(n, line) for n, line in enumerate(content.split("\n"), 1) if line.strip()]
    try:
        return [(n, orjson.loads(line)) for n, line in lines]
    except orjson.JSONDecodeError:
        pass
    try:
        whole = orjson.loads(content)
    except orjson.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        return [(n, item) for n, item in enumerate(whole, 1)]
    if isinstance(whole, dict):
        return [(1, whole)]
    for number, line in lines:
        try:
            orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise FileRefused(
                f"line {number} is not valid JSON ({error}); a doccano file has one JSON object per line."
            ) from None
    raise AssertionError("unreachable")


def _meta(obj: dict, key: str) -> object:
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    return obj.get(key, meta.get(key))


def _spans(obj: dict, line: int) -> list[tuple[object, object, object]]:
    if "entities" in obj:
        entities = obj["entities"]
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise ValueError("'entities' must be a list of objects with start_offset, end_offset and label.")
        return [(e.get("start_offset"), e.get("end_offset"), e.get("label")) for e in entities]
    labels = next((obj[key] for key in LABEL_KEYS if key in obj), [])
    if not isinstance(labels, list):
        raise ValueError("'label' must be a list of [start, end, label].")
    if labels and all(isinstance(item, str) for item in labels):
        raise ValueError("'label' is a list of names: that is text classification, not sequence labelling.")
    if not all(isinstance(item, list) and len(item) == 3 for item in labels):
        raise ValueError("each item of 'label' must be [start, end, label].")
    return [tuple(item) for item in labels]


def read(content: str, *, unit: str = units.CODE_POINTS) -> PeerFile:
    peer = PeerFile()
    for line, obj in _values(content):
        if not isinstance(obj, dict):
            peer.problems.append(RecordError(line, f"expected a JSON object, got {type(obj).__name__}."))
            continue
        text = next((obj[key] for key in TEXT_KEYS if key in obj), None)
        if not isinstance(text, str):
            peer.problems.append(RecordError(line, "no 'text': each doccano line needs its text."))
            continue
        try:
            triples = _spans(obj, line)
        except ValueError as error:
            peer.problems.append(RecordError(line, str(error)))
            continue
        article = _meta(obj, "article")
        document = PeerDocument(
            line=line, text=text, title=str(_meta(obj, "title") or ""), url=_meta(obj, "url") or None,
            article_checksum=_meta(obj, "article_checksum") or None,
            article_id=article if isinstance(article, int) and not isinstance(article, bool) else None,
        )  # fmt: skip
        for start, end, label in triples:
            if unit == units.UTF16 and isinstance(start, int) and isinstance(end, int):
                start, end = units.code_point(text, start), units.code_point(text, end)
                if start is None or end is None:
                    peer.problems.append(RecordError(line, "a UTF-16 offset falls inside a character."))
                    continue
            problem = check_offsets(text, start, end)
            if problem is None and not isinstance(label, str):
                problem = f"the label must be a string, not {label!r}."
            if problem:
                peer.problems.append(RecordError(line, f"span [{start}, {end}, {label!r}]: {problem}"))
                continue
            document.spans.append(
                PeerSpan(line=line, start=start, end=end, label=label, where=f"span [{start}, {end}]")
            )
        peer.documents.append(document)
        if obj.get("relations"):
            peer.not_imported.append(
                RecordError(line, f"{len(obj['relations'])} relation(s): relations have no equivalent here.")
            )
    if not peer.documents:
        first = f" (line {peer.problems[0].line}: {peer.problems[0].message})" if peer.problems else ""
        raise FileRefused(f"not a doccano file: no line has a text with its labels{first}.")
    return peer
