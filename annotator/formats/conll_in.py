"""Reading CoNLL/IOB: one token per line, a blank line between sentences (paragraphs), tag columns after it.

Our export (see `conll.py`): `-DOCSTART-<TAB>article=<id><TAB>levels=<N>`, then `token<TAB>start<TAB>end`
and N IOB2 columns, one per nesting level; `start`/`end` are code points into the article text, so spans
come back on their exact characters. Other files: `token` then one or more tag columns, separated by a TAB
or spaces (doccano's CoNLL, CoNLL-2003). Every column after the token (and the offsets) that holds only IOB
tags is a layer of spans: `O`, `B-X`, `I-X` (IOB1's `I-X` after `O` starts a span), and IOBES's `E-X`,
`S-X`. Other columns (CoNLL-2003's part-of-speech) are reported as not imported; a file with no IOB column,
or whose token lines in one document have different numbers of columns, is refused. A chunk column
(`B-NP`) is IOB too: leave its labels out with a mapping `NP=`.

`-DOCSTART-` lines, with any trailing fields, start a document; a file without them is one document.
Without offsets, CoNLL keeps no spacing: the text is the tokens joined by single spaces, one paragraph per
sentence, and matches a stored article's text white space aside.
"""

from __future__ import annotations

import re

from annotator.formats.documents import FileRefused, PeerDocument, PeerFile, PeerSpan
from annotator.formats.span_records import RecordError

_TAG = re.compile(r"O|[BIES]-\S+")
_ARTICLE = re.compile(r"article=(\d+)")


class _Builder:
    """Builds one document's text and spans while its lines are read."""

    def __init__(self, line: int, article_id: int | None) -> None:
        self.document = PeerDocument(line=line, text="", article_id=article_id)
        self.pieces: list[str] = []
        self.length = 0
        self.paragraph_break = False
        self.open: dict[int, PeerSpan] = {}  # column -> span being read

    def token(self, line: int, token: str, at: tuple[int, int] | None, tags: list[str]) -> None:
        if at is not None:
            start = at[0]
            if start < self.length:
                raise FileRefused(
                    f"line {line}: the token starts at {start}, before the end of the token before it."
                )
            gap = start - self.length
            filler = ("\n" if self.paragraph_break and gap >= 1 else " ") * gap
        else:
            filler = ("\n" if self.paragraph_break else " ") if self.length else ""
        self.pieces.append(filler + token)
        start = self.length + len(filler)
        end = start + len(token)
        if at is not None and at[1] != end:
            raise FileRefused(
                f"line {line}: the token {token!r} is {len(token)} characters long, not {at[1] - at[0]}."
            )
        self.length = end
        self.paragraph_break = False
        for column, tag in enumerate(tags):
            current = self.open.get(column)
            kind, label = tag[0], tag[2:]
            continues = current is not None and kind in "IE" and current.label == label
            if continues:
                current.end = end
            else:
                if kind == "O":
                    self.open.pop(column, None)
                    continue
                current = PeerSpan(line=line, start=start, end=end, label=label, where=f"line {line}")
                self.document.spans.append(current)
                self.open[column] = current
            if kind in "ES":
                self.open.pop(column, None)

    def sentence_end(self) -> None:
        self.open.clear()
        self.paragraph_break = True

    def finish(self) -> PeerDocument:
        self.document.text = "".join(self.pieces)
        for span in self.document.spans:
            span.quote = self.document.text[span.start : span.end]
        return self.document


def _lines(content: str) -> list[tuple]:
    """Return the file as ("doc", line, article id), ("break",) and ("token", line, token, offsets, tags)."""
    items: list[tuple] = []
    for number, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            items.append(("break",))
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if fields[0] == "-DOCSTART-":
            found = _ARTICLE.search(line)
            items.append(("doc", number, int(found[1]) if found else None))
            continue
        at = None
        if len(fields) >= 4 and fields[1].isdigit() and fields[2].isdigit():
            at, tags = (int(fields[1]), int(fields[2])), fields[3:]
        else:
            tags = fields[1:]
        if not tags:
            raise FileRefused(
                f"line {number} has no tag: CoNLL lines are a token, then its IOB tags ({line[:60]!r})."
            )
        items.append(("token", number, fields[0], at, tags))
    return items


def _tag_columns(items: list[tuple]) -> tuple[set[int], list[RecordError]]:
    """Return which tag columns hold IOB tags, and a note for each other column (a POS or chunk column...).

    Every token line of a document must have the same number of columns; a file with no IOB column is refused.
    """
    width, first_line, bad_example = None, 0, {}
    for item in items:
        if item[0] == "doc":
            width = None
        elif item[0] == "token":
            _, number, _, _, tags = item
            if width is None:
                width, first_line = len(tags), number
            elif len(tags) != width:
                raise FileRefused(
                    f"line {number} has {len(tags)} tag column(s) where line {first_line} has {width}: "
                    "every token line of a document needs the same columns."
                )
            for column, tag in enumerate(tags):
                if not _TAG.fullmatch(tag):
                    bad_example.setdefault(column, (number, tag))
    columns = {column for item in items if item[0] == "token" for column in range(len(item[4]))}
    iob = columns - set(bad_example)
    if not iob:
        number, tag = min(bad_example.values())
        raise FileRefused(
            f"line {number}: {tag!r} is not an IOB tag (O, B-LABEL, I-LABEL), and no column holds IOB tags."
        )
    notes = [
        RecordError(
            number,
            f"tag column {column + 1} holds {tag!r}, which is not IOB (O, B-LABEL, I-LABEL): "
            "the column is not imported.",
        )
        for column, (number, tag) in sorted(bad_example.items())
    ]
    return iob, notes


def read(content: str) -> PeerFile:
    items = _lines(content)
    iob, notes = _tag_columns(items)
    peer = PeerFile(not_imported=notes)
    builder: _Builder | None = None
    for item in items:
        if item[0] == "break":
            if builder is not None:
                builder.sentence_end()
        elif item[0] == "doc":
            if builder is not None:
                peer.documents.append(builder.finish())
            builder = _Builder(item[1], item[2])
        else:
            _, number, token, at, tags = item
            if builder is None:
                builder = _Builder(number, None)
            builder.token(number, token, at, [tag if i in iob else "O" for i, tag in enumerate(tags)])
    if builder is not None:
        peer.documents.append(builder.finish())
    peer.documents = [d for d in peer.documents if d.text]
    if not peer.documents:
        raise FileRefused("the file has no tokens: not a CoNLL file.")
    return peer
