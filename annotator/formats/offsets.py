"""Code points and UTF-16 code units: the two ways peer tools count offsets into a text. Pure."""

from __future__ import annotations

CODE_POINTS = "code-points"
UTF16 = "utf16"
UNITS = (CODE_POINTS, UTF16)


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
