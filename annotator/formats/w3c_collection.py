"""W3C Web Annotation Data Model: the export as one AnnotationCollection (model section 5).

    {"@context": "http://www.w3.org/ns/anno.jsonld", "id": <collection>, "type": "AnnotationCollection",
     "label": ..., "total": <spans>, "last": <page>,
     "first": {"id": <page>, "type": "AnnotationPage", "partOf": {"id": <collection>, "label", "total"},
               "startIndex": 0,
               "items": [<annotation>, ...]}}

The annotations are those of the `w3c` format (without their own `@context`, which the collection gives).
As a file, all of them sit in the one embedded page: the model links further pages only by IRI (`next`),
which a file cannot hold, and a collection that named pages elsewhere would lose spans when saved as one file.
The API also serves the collection in pages, as the Web Annotation Protocol does (`Pages` below): with
`page_size`, the collection embeds its first page, whose `next` names the URL of the second, and each page
(`page=K`) is served on its own with `partOf`, `startIndex`, `prev` and `next`.

The collection's id is the export's URL (from the command line: `urn:provenance:spans`, or
`--collection-id`). The span import reads the one-file collection back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import orjson

from annotator.formats.w3c import CONTEXT, annotation

MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
EXTENSION = "jsonld"
NEEDS_TEXTS = False
NEEDS_TOTAL = True
LABEL = "Labelled spans exported from Provenance"
DEFAULT_ID = "urn:provenance:spans"


@dataclass(frozen=True)
class Pages:
    """The paging of a collection: `size` annotations a page, page `number` (from 1) served, or the
    collection itself when `number` is None; `url(k)` is the IRI of page k."""

    size: int
    number: int | None
    url: Callable[[int], str]

    def count(self, total: int) -> int:
        return max(1, -(-total // self.size))


def _items(rows: Iterable[dict], annotation_base: str) -> Iterator[bytes]:
    for index, row in enumerate(rows):
        item = annotation(row, annotation_base=annotation_base)
        del item["@context"]
        yield (b",\n" if index else b"\n") + orjson.dumps(item)


def write(
    rows: Iterable[dict],
    *,
    total: int,
    collection_id: str = DEFAULT_ID,
    annotation_base: str = "urn:provenance:annotation:",
    pages: Pages | None = None,
    **_options,
) -> Iterator[bytes]:
    """Yield the collection (or, with `pages.number`, one page of it), streaming the items; `rows` are the
    spans of the page written."""
    # A page describes its collection in full (model 5.2 allows an IRI or the description), so that it
    # stands alone as well: the conformance checks read `total` from there.
    part_of = {"id": collection_id, "label": LABEL, "total": total}
    number = (pages.number or 1) if pages else 1
    page: dict = {
        "id": pages.url(number) if pages else f"{collection_id}#page1",
        "type": "AnnotationPage",
        "partOf": part_of,
        "startIndex": (number - 1) * pages.size if pages else 0,
    }
    if pages and number > 1:
        page["prev"] = pages.url(number - 1)
    if pages and number < pages.count(total):
        page["next"] = pages.url(number + 1)
    if pages and pages.number is not None:
        # One page on its own: the page object is the document.
        yield orjson.dumps({"@context": CONTEXT, **page})[:-1] + b',"items":['
        yield from _items(rows, annotation_base)
        yield b"\n]}\n"
        return
    head = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": LABEL,
        "total": total,
        "last": pages.url(pages.count(total)) if pages else page["id"],
    }
    # Both objects are written open-ended, so that the items can follow them.
    yield orjson.dumps(head)[:-1] + b',"first":' + orjson.dumps(page)[:-1] + b',"items":['
    yield from _items(rows, annotation_base)
    yield b"\n]}}\n"
