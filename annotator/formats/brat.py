"""Reading brat standoff: a document's `.txt` and its `.ann`, one annotation per line, fields split by TAB.

- `T1<TAB>Type START END<TAB>covered text` becomes a span (offsets are code points, as brat, a Python
  program, counts them). When the covered text is not the text at those offsets, the span is placed by its
  covered text instead (and reported if that does not single out one place).
- A discontinuous `T` (`START END;START END`) has no equivalent here: it is reported, not imported.
- `#1<TAB>AnnotatorNotes T1<TAB>text` becomes the note of span T1 (several notes are joined by a newline);
  a note on anything but a span is reported as not imported.
- Events (`E`), relations (`R`), attributes (`A`, `M`), normalisations (`N`) and equivalences (`*`) are
  reported as not imported, line by line. brat names no reviewer.
"""

from __future__ import annotations

import re

from annotator.formats.documents import FileRefused, PeerDocument, PeerFile, PeerSpan, check_offsets
from annotator.formats.span_records import RecordError

_SPAN = re.compile(r"(?P<type>\S+) (?P<ranges>\d+ \d+(?:;\d+ \d+)*)")
_KINDS = {
    "E": "an event", "R": "a relation", "A": "an attribute", "M": "an attribute", "N": "a normalisation",
    "*": "an equivalence",
}  # fmt: skip


def read(text: str, ann: str, *, name: str = "") -> PeerFile:
    """Return the document of one `.txt`/`.ann` pair; `name` prefixes every message."""
    prefix = f"{name.rsplit('/', 1)[-1]}: " if name else ""
    peer = PeerFile()
    document = PeerDocument(
        line=1, text=text, title=name.rsplit("/", 1)[-1].removesuffix(".ann") if name else ""
    )
    by_id: dict[str, PeerSpan] = {}
    notes: list[tuple[int, str, str]] = []
    for number, line in enumerate(ann.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        if kind == "T":
            fields, _, covered = rest.partition("\t")
            match = _SPAN.fullmatch(fields)
            if not match:
                raise FileRefused(
                    f"{prefix}line {number} is not a brat text-bound annotation (T1<TAB>Type START "
                    f"END<TAB>text): {line[:80]!r}."
                )
            ranges = [tuple(map(int, r.split())) for r in match["ranges"].split(";")]
            if len(ranges) > 1:
                message = (
                    f"{prefix}{ident} is discontinuous ({match['ranges']}); a span here is one run of text."
                )
                peer.not_imported.append(RecordError(number, message))
                continue
            (start, end), label = ranges[0], match["type"]
            problem = check_offsets(text, start, end)
            if problem:
                peer.problems.append(RecordError(number, f"{prefix}{ident}: {problem}"))
                continue
            span = PeerSpan(line=number, start=start, end=end, label=label, quote=covered,
                            trusted=text[start:end] == covered, where=f"{prefix}{ident}")  # fmt: skip
            by_id[ident] = span
            document.spans.append(span)
        elif kind == "#":
            fields, _, note = rest.partition("\t")
            notes.append((number, fields.split(" ")[-1], note))
        elif kind in _KINDS:
            peer.not_imported.append(
                RecordError(number, f"{prefix}{ident} is {_KINDS[kind]}, which has no equivalent here.")
            )
        else:
            raise FileRefused(f"{prefix}line {number} is not a brat annotation: {line[:80]!r}.")
    for number, target, note in notes:
        if target in by_id:
            span = by_id[target]
            span.note = f"{span.note}\n{note}" if span.note else note
        else:
            peer.not_imported.append(
                RecordError(
                    number, f"{prefix}the note on {target} is not imported: only notes on spans (T) are."
                )
            )
    peer.documents.append(document)
    return peer
