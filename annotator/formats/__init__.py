"""Export and import formats: one module per format, each a generator of bytes from span rows.

`rows.iter_rows()` reads the spans (the reference path); `FORMATS[name].write(rows)` turns them into the file,
chunk by chunk; `rows.stream()` does both, and serves jsonl through `fast_jsonl`, which yields the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from annotator.formats import conll, csv, doccano, jsonl, label_studio, w3c


@dataclass(frozen=True)
class Format:
    name: str
    module: ModuleType
    description: str

    @property
    def media_type(self) -> str:
        return self.module.MEDIA_TYPE

    @property
    def extension(self) -> str:
        return self.module.EXTENSION

    @property
    def needs_texts(self) -> bool:
        """Whether the writer needs each row's paragraph and article text."""
        return self.module.NEEDS_TEXTS

    @property
    def write(self) -> Callable[..., Iterator[bytes]]:
        return self.module.write


FORMATS = {
    f.name: f
    for f in (
        Format("jsonl", jsonl, "JSON Lines, one object per span with every field (the default)."),
        Format("csv", csv, "CSV with a header row; the same fields as jsonl."),
        Format("w3c", w3c, "W3C Web Annotation JSON-LD, one annotation per line."),
        Format("doccano", doccano, "doccano sequence-labelling JSONL, one line per article."),
        Format("label-studio", label_studio, "Label Studio JSON task export, one task per article."),
        Format("conll", conll, "CoNLL token-level BIO tags, one token per line."),
    )
}
DEFAULT_FORMAT = "jsonl"
IMPORT_FORMATS = ("jsonl", "w3c")


class UnknownFormat(ValueError):
    def __init__(self, name: str, accepted: Iterable[str] = FORMATS) -> None:
        self.accepted = list(accepted)
        super().__init__(f"Unknown format {name!r}. Accepted formats: {', '.join(self.accepted)}.")


def get(name: str) -> Format:
    """Return the export format called `name`, or raise UnknownFormat naming the accepted ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormat(name) from None


def buffered(chunks: Iterable[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Regroup small chunks into pieces of about `size` bytes: one socket write per piece, not per span."""
    pending: list[bytes] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield b"".join(pending)
            pending.clear()
            length = 0
    if pending:
        yield b"".join(pending)
