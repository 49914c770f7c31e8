"""brat standoff export: one zip archive holding a `.txt` and an `.ann` per article, and an `annotation.conf`.

- `<article id>.txt`: the article text (its paragraphs joined with "\\n\\n", as the other exports' article
  offsets), UTF-8, no line break added at the end.
- `<article id>.ann`: one `T<n><TAB><label slug> <start> <end><TAB><quote>` line per span, in order of
  start (the longest first), with code-point offsets into the `.txt`, brat's unit (brat is a Python
  program); then one `#<n><TAB>AnnotatorNotes T<n><TAB><note>` line per span that has a note. A note's line
  breaks and tabs become spaces: an `.ann` line cannot hold them.
- `annotation.conf`: the labels of the exported spans as brat entity types, so brat opens the folder as is.
- brat holds no reviewer, attribution or time: export one analyst's layer with `reviewer=`.

The archive is streamed: zipfile writes each article's two members into a sink that is emptied after every
article, so memory holds one article, never the whole export (zipfile writes sizes after the data when it
cannot seek back, which every unzip tool reads).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

MEDIA_TYPE = "application/zip"
EXTENSION = "zip"
NEEDS_TEXTS = True
_FLAT = re.compile(r"[\r\n\t]+")


class _Sink(io.RawIOBase):
    """A write-only, unseekable file whose bytes are taken out piece by piece."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.pieces)
        self.pieces.clear()
        return data


def ann(spans: Iterable[dict]) -> str:
    """Return the `.ann` of one article's rows."""
    ordered = sorted(spans, key=lambda row: (row["article_start"], -row["article_end"], row["label"]))
    lines = [
        f"T{n}\t{row['label']} {row['article_start']} {row['article_end']}\t{row['quote']}\n"
        for n, row in enumerate(ordered, 1)
    ]
    notes = [(n, row["note"]) for n, row in enumerate(ordered, 1) if row["note"]]
    lines += [f"#{k}\tAnnotatorNotes T{n}\t{_FLAT.sub(' ', note)}\n" for k, (n, note) in enumerate(notes, 1)]
    return "".join(lines)


def annotation_conf(labels: Iterable[str]) -> str:
    return (
        "[entities]\n"
        + "".join(f"{label}\n" for label in sorted(labels))
        + ("\n[relations]\n\n[events]\n\n[attributes]\n")
    )


def write(rows: Iterable[dict], **_options) -> Iterator[bytes]:
    """Yield the zip archive, piece by piece: an article's two files, then annotation.conf and the index."""
    sink = _Sink()
    labels: set[str] = set()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for article, spans in groupby(rows, key=itemgetter("article")):
            spans = list(spans)
            labels.update(row["label"] for row in spans)
            archive.writestr(f"{article}.txt", spans[0]["article_text"])
            archive.writestr(f"{article}.ann", ann(spans))
            yield sink.take()
        archive.writestr("annotation.conf", annotation_conf(labels))
    yield sink.take()
