"""Offsets in the unit a peer tool counts: code points (Python) or UTF-16 units (JavaScript), both ways.

The exports convert from code points (`converter`); the peer-format imports convert back (`code_point`,
`utf16_slice`). Imports and exports name the units alike: `codepoints` and `utf16`."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable


def converter(text: str, unit: str) -> Callable[[int], int]:
    """Return a function from a code-point index into `text` to an index in `unit` ("codepoints" or
    "utf16"); each character beyond the Basic Multilingual Plane (an emoji) counts two UTF-16 units."""
    if unit == CODE_POINTS or text.isascii():
        return lambda index: index
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    return lambda index: index + bisect_left(astral, index)


CODE_POINTS = "codepoints"
UTF16 = "utf16"
UNITS = (CODE_POINTS, UTF16)
# The spelling the import options had before they took the exports' name; still accepted, meaning the same.
OLD_CODE_POINTS = "code-points"
ACCEPTED_ON_IMPORT = (*UNITS, OLD_CODE_POINTS)


def utf16_slice(text: str, start: int, end: int) -> str | None:
    """Return text[start:end] counted in UTF-16 code units, or None when an edge splits a character."""
    data = text.encode("utf-16-le", "surrogatepass")
    try:
        return data[2 * start : 2 * end].decode("utf-16-le")
    except UnicodeDecodeError:
        return None


def code_point(text: str, utf16_offset: int) -> int | None:
    """Return the code-point offset of a UTF-16 offset into `text`, or None when it splits a character."""
    if text.isascii():
        return utf16_offset
    head = utf16_slice(text, 0, utf16_offset)
    return None if head is None else len(head)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
