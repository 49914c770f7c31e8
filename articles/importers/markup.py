"""Inline markup of the text formats: markdown links and <autolinks> become plain text plus link offsets."""

from __future__ import annotations

import re

from articles.text import MARKDOWN_LINK

_INLINE = re.compile(
    MARKDOWN_LINK.pattern + r"|<(?P<auto>(?:https?://|mailto:)[^<>\s]+)>",
    re.IGNORECASE,
)
_REAL_SCHEMES = ("http://", "https://", "mailto:")


def is_real_url(target: str) -> bool:
    """Return True for targets worth keeping: http(s) and mailto, not `#` or relative paths.

    Targets never hold whitespace: the link pattern stops at it.
    """
    return target[:8].lower().startswith(_REAL_SCHEMES)


def to_plain(text: str) -> tuple[str, list[dict]]:
    """Return the text with links replaced by their labels, and the real links as offsets into that text."""
    if "[" not in text and "<" not in text:
        return text, []
    out: list[str] = []
    links: list[dict] = []
    length = last = 0
    for match in _INLINE.finditer(text):
        before = text[last : match.start()]
        auto, label, target = match.group("auto", "label", "target")
        if auto is not None:
            label = target = auto
        length += len(before)
        if label and is_real_url(target):
            links.append({"start": length, "end": length + len(label), "url": target})
        out += (before, label)
        length += len(label)
        last = match.end()
    if not out:
        return text, []
    out.append(text[last:])
    return "".join(out), links
