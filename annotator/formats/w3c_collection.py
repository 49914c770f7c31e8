"""W3C Web Annotation Data Model: the export as one AnnotationCollection (model section 5).

    {"@context": "http://www.w3.org/ns/anno.jsonld", "id": <collection>, "type": "AnnotationCollection",
     "label": ..., "total": <spans>, "last": <page>,
     "first": {"id": <page>, "type": "AnnotationPage", "partOf": {"id": <collection>, "label", "total"},
               "startIndex": 0,
               "items": [<annotation>, ...]}}

The annotations are those of the `w3c` format (without their own `@context`, which the collection gives).
All of them sit in the one embedded page: the model links further pages only by IRI (`next`), which a file
cannot hold, and a collection that named pages elsewhere would lose spans when saved as one file. The
collection's id is the export's URL (from the command line: `urn:provenance:spans`, or `--collection-id`).
The span import reads this file back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotator.formats.w3c import CONTEXT, annotation

MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
EXTENSION = "jsonld"
NEEDS_TEXTS = False
NEEDS_TOTAL = True
LABEL = "Labelled spans exported from Provenance"
DEFAULT_ID = "urn:provenance:spans"


def page_id(collection_id: str) -> str:
    return f"{collection_id}#page1"


def write(
    rows: Iterable[dict],
    *,
    total: int,
    collection_id: str = DEFAULT_ID,
    annotation_base: str = "urn:provenance:annotation:",
    **_options,
) -> Iterator[bytes]:
    """Yield the collection, streaming the page's items one annotation at a time."""
    page = page_id(collection_id)
    head = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": LABEL,
        "total": total,
        "last": page,
    }
    # The page describes its collection in full (model 5.2 allows an IRI or the description), so that it
    # stands alone as well: the conformance checks read `total` from there.
    part_of = {"id": collection_id, "label": LABEL, "total": total}
    first = {"id": page, "type": "AnnotationPage", "partOf": part_of, "startIndex": 0}
    # Both objects are written open-ended, so that the items can follow them.
    yield orjson.dumps(head)[:-1] + b',"first":' + orjson.dumps(first)[:-1] + b',"items":['
    for index, row in enumerate(rows):
        item = annotation(row, annotation_base=annotation_base)
        del item["@context"]
        yield (b",\n" if index else b"\n") + orjson.dumps(item)
    yield b"\n]}}\n"
