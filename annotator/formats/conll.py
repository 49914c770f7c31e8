"""CoNLL-style token-level BIO: `token<TAB>tag` lines, a blank line after each paragraph.

Each article starts with a `-DOCSTART-<TAB>O` line (the CoNLL-2003 convention). Only paragraphs with spans
are written. Tokenizer: TOKEN below, i.e. runs of word characters (joined across inner hyphens and
apostrophes, so "cease-fire" and "don't" stay one token) or any single other non-space character.
A token belongs to a span when their characters overlap; tags are `B-<label>` on the first token of a span
and `I-<label>` after. BIO cannot express overlapping spans: where spans overlap, the one that starts first
(the longer one on a tie) keeps the shared tokens, and a span left with no token of its own is not written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

MEDIA_TYPE = "text/plain; charset=utf-8"
EXTENSION = "conll"
NEEDS_TEXTS = True
TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def tag(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """Return (token, BIO tag) pairs for a text and its (start, end, label) spans."""
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    tags = ["O"] * len(tokens)
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        inside = [i for i, (t_start, t_end, _) in enumerate(tokens) if t_start < end and t_end > start]
        free = [i for i in inside if tags[i] == "O"]
        for n, i in enumerate(free):
            tags[i] = f"{'B' if n == 0 else 'I'}-{label}"
    return [(token, tags[i]) for i, (_, _, token) in enumerate(tokens)]


def write(rows: Iterable[dict], **_options) -> Iterator[bytes]:
    """Yield one block per article: the DOCSTART line, then each annotated paragraph's tokens."""
    for _, article_rows in groupby(rows, key=itemgetter("article")):
        lines = ["-DOCSTART-\tO", ""]
        for _, paragraph_rows in groupby(article_rows, key=itemgetter("paragraph")):
            paragraph_rows = list(paragraph_rows)
            spans = [(row["start"], row["end"], row["label"]) for row in paragraph_rows]
            lines.extend(f"{token}\t{bio}" for token, bio in tag(paragraph_rows[0]["paragraph_text"], spans))
            lines.append("")
        yield ("\n".join(lines) + "\n").encode()
