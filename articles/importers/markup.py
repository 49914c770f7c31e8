"""Inline markup of the text formats: markdown links and <autolinks> become plain text plus link offsets."""

from __future__ import annotations

import re

_INLINE = re.compile(
    r"!?\[(?P<label>[^\]]*)\]\(\s*<?(?P<target>[^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
    r"|<(?P<auto>(?:https?://|mailto:)[^<>\s]+)>",
    re.IGNORECASE,
)
_REAL_URL = re.compile(r"^(?:https?://|mailto:)\S+$", re.IGNORECASE)


def is_real_url(target: str) -> bool:
    """Return True for targets worth keeping: http(s) and mailto, not `#` or relative paths."""
    return bool(_REAL_URL.match(target))


def to_plain(text: str) -> tuple[str, list[dict]]:
    """Return the text with links replaced by their labels, and the real links as offsets into that text."""
    if "[" not in text and "<" not in text:
        return text, []
    out: list[str] = []
    links: list[dict] = []
    length = 0
    last = 0
    for match in _INLINE.finditer(text):
        before = text[last : match.start()]
        out.append(before)
        length += len(before)
        auto = match.group("auto")
        label = auto if auto is not None else match.group("label")
        target = auto if auto is not None else match.group("target")
        if label and is_real_url(target):
            links.append({"start": length, "end": length + len(label), "url": target})
        out.append(label)
        length += len(label)
        last = match.end()
    out.append(text[last:])
    return "".join(out), links
