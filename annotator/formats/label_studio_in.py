"""Reading Label Studio's JSON export: a list of tasks (or one task), `data` plus `annotations[].result[]`.

Text spans are the `labels` results (`value.start`, `value.end`, `value.labels`, `value.text`); one span per
label a result names. Other results (choices, relations, text areas, HTML spans) and predictions are
reported as not imported; so are cancelled annotations.

Units: Label Studio 1.23 stores code points (its frontend converts selections, PR #1559), older versions and
our older exports wrote UTF-16 code units. Each result is judged on its own: the offsets are taken in the unit
under which the task text between them is the result's `text`; when neither unit gives it, the span is
placed by its `text` (and reported if that does not single out one place). A result without `text` is read
in code points, or in UTF-16 units with `offsets=utf16`.

The task text is the `data` field the result's `source` names (`$text`), else `data.text`. `data.article`
(our export) names the article, `data.article_checksum`, `data.url` and `data.title` help find or create it.
The reviewer is the annotation's `meta.reviewer`, else its `completed_by` (a username, or an object with
`username` or `email`), else the name at its place in `data.reviewers` (our export), else the part after the
colon of an id `<article>:<reviewer>` (our older exports), else the default reviewer.
"""

from __future__ import annotations

import orjson

from annotator.formats import units
from annotator.formats.documents import FileRefused, PeerDocument, PeerFile, PeerSpan, check_offsets
from annotator.formats.span_records import RecordError


def _reviewer(annotation: dict, index: int, fields: dict) -> str | None:
    meta = annotation.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("reviewer"), str):
        return meta["reviewer"]
    who = annotation.get("completed_by")
    if isinstance(who, str):
        return who
    if isinstance(who, dict):
        return who.get("username") or who.get("email")
    reviewers = fields.get("reviewers")  # our export: one name per annotation, in order
    if isinstance(reviewers, list) and index < len(reviewers) and isinstance(reviewers[index], str):
        return reviewers[index]
    ident = annotation.get("id")
    if isinstance(ident, str) and ":" in ident:  # our older exports: "<article>:<reviewer>"
        return ident.split(":", 1)[1]
    return None


def _text_key(task: dict) -> str:
    for annotation in task.get("annotations") or []:
        for result in annotation.get("result") or [] if isinstance(annotation, dict) else []:
            source = result.get("source") if isinstance(result, dict) else None
            if isinstance(source, str) and source.startswith("$"):
                return source[1:]
    return "text"


def _placed(text: str, start: int, end: int, quote: object, unit: str) -> tuple[int, int, bool]:
    """Return code-point offsets and whether they hold the quote (False: place the span by its quote)."""
    if not isinstance(quote, str):
        if unit == units.UTF16:
            start16, end16 = units.code_point(text, start), units.code_point(text, end)
            if start16 is not None and end16 is not None:
                return start16, end16, True
        return start, end, True
    if text[start:end] == quote:
        return start, end, True
    if units.utf16_slice(text, start, end) == quote:
        return units.code_point(text, start), units.code_point(text, end), True
    return start, end, False


def _result(
    task_number: int, text: str, result: object, reviewer, unit: str, peer: PeerFile
) -> list[PeerSpan]:
    if not isinstance(result, dict):
        peer.problems.append(RecordError(task_number, f"task {task_number}: a result is not an object."))
        return []
    where = f"task {task_number}, result {result.get('id')!r}"
    if result.get("type") != "labels":
        peer.not_imported.append(
            RecordError(
                task_number, f"{where}: a {result.get('type')!r} result; only text 'labels' are imported."
            )
        )
        return []
    value = result.get("value") if isinstance(result.get("value"), dict) else {}
    start, end, names = value.get("start"), value.get("end"), value.get("labels")
    limit = max(len(text), units.utf16_length(text))
    problem = check_offsets(" " * limit, start, end)
    if problem is None and not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
        problem = "'value.labels' must be a non-empty list of label names."
    if problem:
        peer.problems.append(RecordError(task_number, f"{where}: {problem}"))
        return []
    quote = value.get("text")
    start, end, trusted = _placed(text, start, end, quote, unit)
    if trusted and (problem := check_offsets(text, start, end)):
        peer.problems.append(RecordError(task_number, f"{where}: {problem}"))
        return []
    return [
        PeerSpan(line=task_number, start=start, end=end, label=name,
                 quote=quote if isinstance(quote, str) else None, trusted=trusted, reviewer=reviewer,
                 where=where)
        for name in names
    ]  # fmt: skip


def read(content: str, *, unit: str = units.CODE_POINTS) -> PeerFile:
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as error:
        raise FileRefused(
            f"not valid JSON ({error}); a Label Studio export is one JSON array of tasks."
        ) from None
    tasks = [data] if isinstance(data, dict) else data
    if not isinstance(tasks, list) or not all(
        isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks
    ):
        raise FileRefused(
            "not a Label Studio export: expected a JSON array of tasks, each with a 'data' object."
        )
    peer = PeerFile()
    for number, task in enumerate(tasks, 1):
        fields = task["data"]
        text = fields.get(_text_key(task))
        if not isinstance(text, str):
            peer.problems.append(
                RecordError(number, f"task {number}: 'data.{_text_key(task)}' is not a text.")
            )
            continue
        article = fields.get("article")
        document = PeerDocument(
            line=number, text=text, title=str(fields.get("title") or ""), url=fields.get("url") or None,
            article_checksum=fields.get("article_checksum") or None,
            article_id=article if isinstance(article, int) and not isinstance(article, bool) else None,
        )  # fmt: skip
        for index, annotation in enumerate(task.get("annotations") or []):
            if not isinstance(annotation, dict):
                continue
            if annotation.get("was_cancelled"):
                peer.not_imported.append(RecordError(number, f"task {number}: a cancelled annotation."))
                continue
            reviewer = _reviewer(annotation, index, fields)
            for result in annotation.get("result") or []:
                document.spans += _result(number, text, result, reviewer, unit, peer)
        if task.get("predictions"):
            peer.not_imported.append(
                RecordError(
                    number,
                    f"task {number}: {len(task['predictions'])} prediction(s); "
                    "only annotations are imported.",
                )
            )
        peer.documents.append(document)
    return peer
