"""Reading CoNLL/IOB: one token per line, a blank line between sentences (paragraphs), tag columns after it.

Our export (see `conll.py`): `-DOCSTART-<TAB>article=<id><TAB>levels=<N>`, then `token<TAB>start<TAB>end`
and N IOB2 columns, one per nesting level; `start`/`end` are code points into the article text, so spans
come back on their exact characters. Other files: `token` then one or more tag columns, separated by a TAB
or spaces (doccano's CoNLL, CoNLL-2003's NER column when it is the only one after the token). Every column
after the token (and the offsets) must be IOB: `O`, `B-X`, `I-X` (IOB1's `I-X` after `O` starts a span),
and IOBES's `E-X`, `S-X`. `-DOCSTART-` lines, with any trailing fields, start a document; a file without
them is one document. Without offsets, CoNLL keeps no spacing: the text is the tokens joined by single
spaces, one paragraph per sentence, and matches a stored article's text white space aside.
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
                raise FileRefused(f"line {line}: the token starts at {start}, before the end of the token before it.")
            gap = start - self.length
            filler = ("\n" if self.paragraph_break and gap >= 1 else " ") * gap
        else:
            filler = ("\n" if self.paragraph_break else " ") if self.length else ""
        self.pieces.append(filler + token)
        start = self.length + len(filler)
        end = start + len(token)
        if at is not None and at[1] != end:
            raise FileRefused(f"line {line}: the token {token!r} is {len(token)} characters long, not {at[1] - at[0]}.")
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


def read(content: str) -> PeerFile:
    peer = PeerFile()
    builder: _Builder | None = None
    for number, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            if builder is not None:
                builder.sentence_end()
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if fields[0] == "-DOCSTART-":
            if builder is not None:
                peer.documents.append(builder.finish())
            found = _ARTICLE.search(line)
            builder = _Builder(number, int(found[1]) if found else None)
            continue
        at = None
        if len(fields) >= 4 and fields[1].isdigit() and fields[2].isdigit():
            at, tags = (int(fields[1]), int(fields[2])), fields[3:]
        else:
            tags = fields[1:]
        if not tags:
            raise FileRefused(f"line {number} has no tag: CoNLL lines are a token, then its IOB tags ({line[:60]!r}).")
        bad = next((tag for tag in tags if not _TAG.fullmatch(tag)), None)
        if bad is not None:
            raise FileRefused(
                f"line {number}: {bad!r} is not an IOB tag (O, B-LABEL, I-LABEL); every column after the token "
                f"must be one ({line[:60]!r})."
            )
        if builder is None:
            builder = _Builder(number, None)
        builder.token(number, fields[0], at, tags)
    if builder is not None:
        peer.documents.append(builder.finish())
    if not any(document.text for document in peer.documents):
        raise FileRefused("the file has no tokens: not a CoNLL file.")
    peer.documents = [d for d in peer.documents if d.text]
    return peer
