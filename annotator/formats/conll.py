"""CoNLL IOB2 with offsets: one token per line, one tag column per nesting level, as nested-NER corpora do.

Layout (UTF-8, LF, columns separated by a TAB):

    -DOCSTART-<TAB>article=<article id><TAB>levels=<N>
    <blank line>
    <token><TAB><start><TAB><end><TAB><tag, level 1>[<TAB><tag, level 2> ... <TAB><tag, level N>]
    ...
    <blank line after every paragraph>

- A block per article that has spans in the export, with every paragraph of that article in order (a
  paragraph without spans is all `O`).
- `start`/`end` are code-point offsets into the article text (its paragraphs joined with "\\n\\n"), end
  exclusive: the token is `article_text[start:end]`. Same unit as jsonl's `article_start`/`article_end`.
- Every token line of an article has the N tag columns its DOCSTART line announces (N >= 1). Tags are IOB2:
  `B-<label slug>` on a span's first token, `I-<label slug>` on the next ones, `O` elsewhere.
- Each span is on exactly one level and no two spans of a level share a token. In order of start (the
  longest first), a span goes one level below the deepest earlier span it overlaps, else on level 1
  (`nesting.layers`): a span nested in another is on a deeper level than it, and so is a span that crosses,
  or repeats, an earlier one.
- Tokens: TOKEN below (runs of word characters joined across inner hyphens and apostrophes, so "cease-fire"
  and "don't" stay one token, or any single other non-space character), then cut at every span start or end
  inside one, so every span is exactly a run of whole tokens and its offsets are those of its first and last
  token.
- No reviewer column: export one analyst's layer with `reviewer=`.

`levels=K` caps the tag columns at K; spans that would need more are refused (a 400 naming each one and a
span it overlaps), never dropped: `levels=1` is the classic single-column file.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from annotator.formats import nesting

MEDIA_TYPE = "text/plain; charset=utf-8"
EXTENSION = "conll"
NEEDS_TEXTS = True
TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
PARAGRAPH_SEPARATOR = "\n\n"


def tokens(text: str, offset: int, cuts: list[int]) -> list[tuple[int, int]]:
    """Return the (start, end) of the tokens of a paragraph starting at `offset` of the article, cut at each
    of the sorted article offsets `cuts` that falls inside a token."""
    found = []
    for match in TOKEN.finditer(text):
        start, end = offset + match.start(), offset + match.end()
        for cut in cuts[bisect_left(cuts, start + 1) : bisect_left(cuts, end)]:
            found.append((start, cut))
            start = cut
        found.append((start, end))
    return found


def article_block(spans: list[dict]) -> str:
    """Return the block of one article from its rows."""
    text = spans[0]["article_text"]
    placed = nesting.layers(spans)
    levels = 1 + max(layer for _, layer, _ in placed)
    cuts = sorted({row["article_start"] for row in spans} | {row["article_end"] for row in spans})
    paragraphs, offset = [], 0
    for paragraph in text.split(PARAGRAPH_SEPARATOR):
        paragraphs.append(tokens(paragraph, offset, cuts))
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    every = [token for paragraph in paragraphs for token in paragraph]
    starts = [start for start, _ in every]
    tags = {token: ["O"] * levels for token in every}
    for row, layer, _ in placed:
        inside = every[bisect_left(starts, row["article_start"]) : bisect_left(starts, row["article_end"])]
        for n, token in enumerate(inside):
            tags[token][layer] = f"{'I' if n else 'B'}-{row['label']}"
    lines = [f"-DOCSTART-\tarticle={spans[0]['article']}\tlevels={levels}", ""]
    for paragraph in paragraphs:
        lines.extend(f"{text[s:e]}\t{s}\t{e}\t" + "\t".join(tags[(s, e)]) for s, e in paragraph)
        lines.append("")
    return "\n".join(lines) + "\n"


def write(rows: Iterable[dict], **_options) -> Iterator[bytes]:
    """Yield one block per article."""
    for _, article_rows in groupby(rows, key=itemgetter("article")):
        yield article_block(list(article_rows)).encode()


def refusal(rows: Callable[[], Iterable[dict]], options: dict[str, str]) -> dict[str, list[str]]:
    """With `levels=K`, name the spans that would need more than K tag columns."""
    limit = options.get("levels", "any")
    if limit == "any":
        return {}
    columns = f"{limit} tag column{'s' if limit != '1' else ''}"
    message = nesting.refusal(rows(), int(limit), f"in {columns} (nested or overlapping)")
    return {"levels": [message]} if message else {}
