"""Plain text: the first non-blank line is the title, blank lines separate paragraphs.

Lines inside a paragraph are joined with one space (hard-wrapped text), a leading markdown `#` is taken off
the title, and markdown links become their label like in the seeds' format.
"""

from __future__ import annotations

import re

from articles.importers.article_record import ArticleRecord, ImportFailed
from articles.importers.markup import to_plain
from articles.importers.seed import lines_of

_HEADING = re.compile(r"^#{1,6}\s+")


def _blocks(lines: list[str], start: int) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    for line in [*lines[start:], ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    return blocks


def parse(text: str) -> list[ArticleRecord]:
    """Return the one article in the text; raise ImportFailed when there is no title or no paragraph."""
    lines = lines_of(text)
    title_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_index is None:
        raise ImportFailed("the file has no text")
    title = to_plain(_HEADING.sub("", lines[title_index].strip()))[0]
    record = ArticleRecord(title=title, paragraphs=[], raw_text=text, line=title_index + 1)
    for block in _blocks(lines, title_index + 1):
        paragraph, links = to_plain(block)
        if paragraph:
            record.paragraphs.append(paragraph)
            record.links.append(links)
    if not record.paragraphs:
        raise ImportFailed(
            f"line {record.line}: the text has a title ({record.title!r}) but no paragraphs after it"
        )
    return [record]
