"""Pure text helpers: normalisation for comparison and offset arithmetic. No ORM here."""

from __future__ import annotations

import re
import unicodedata

# A markdown link or image, `[label](target)`: the target may sit in <> and be followed by a "title".
MARKDOWN_LINK = re.compile(r"!?\[(?P<label>[^\]]*)\]\(\s*<?(?P<target>[^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})
_SPACE = re.compile(r"\s+")


def strip_markdown_links(text: str) -> str:
    """Return text with `[label](target)` replaced by its label."""
    return MARKDOWN_LINK.sub(lambda m: m["label"], text)


def normalise(text: str) -> str:
    """Return the comparison form of a text: what republishing typically changes is folded away."""
    text = unicodedata.normalize("NFKC", strip_markdown_links(text))
    text = text.translate(_QUOTES).translate(_DASHES).casefold()
    return _SPACE.sub(" ", text).strip()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return (start, end) moved inwards past leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def utf16_offset(text: str, index: int) -> int:
    """Return the UTF-16 code-unit offset of a code-point index (what JavaScript strings count)."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)
