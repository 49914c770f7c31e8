"""Offsets in the unit a target tool counts: code points (Python) or UTF-16 units (JavaScript)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable


def converter(text: str, unit: str) -> Callable[[int], int]:
    """Return a function from a code-point index into `text` to an index in `unit` ("codepoints" or
    "utf16"); each character beyond the Basic Multilingual Plane (an emoji) counts two UTF-16 units."""
    if unit == "codepoints" or text.isascii():
        return lambda index: index
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    return lambda index: index + bisect_left(astral, index)
