"""Formatting for the workbench: paragraphs with their spans as nested marks, and label colours.

The paragraph's text content must stay exactly `Paragraph.text`, because the browser computes offsets on it:
everything here escapes text and adds only elements, never characters.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape as _escape
from urllib.parse import urlsplit

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince

from annotator.colours import text_colour_for

register = template.Library()

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# One border style per label rank, so labels differ by more than their colour.
BORDER_STYLES = ("solid", "double", "dashed", "dotted")
MARK, LINK = 0, 1
LINK_OPEN = '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">'
MARK_CLOSE, LINK_CLOSE = mark_safe("</mark>"), mark_safe("</a>")
NOTE_PART = ' <span class="note-text"><span class="note-mark" aria-hidden="true">✎</span> {}</span>'
CONTRA_MARK = mark_safe(
    ' <span class="contra-mark" title="Contradicts another span">⚠'
    '<span class="visually-hidden"> contradicts another span</span></span>'
)
NOTE_IN_LIST = 160


@dataclass(slots=True)
class Piece:
    """A contiguous part of one span (or link) that nests cleanly inside its parent piece."""

    start: int
    end: int
    kind: int
    item: object
    is_head: bool
    children: list[Piece] = field(default_factory=list)


def nest(length: int, spans: Iterable, links: Iterable[dict] = ()) -> list[Piece]:
    """Return the spans and links of one text as a tree of properly nested pieces.

    Spans are cut only where they cross another span's boundary: a span nested in another, or
    beside it, stays one piece. At equal ranges the older span is outside and links are innermost.
    """
    heap: list[tuple] = []
    for seq, span in enumerate(spans):
        if 0 <= span.start < span.end <= length:
            heap.append((span.start, -span.end, MARK, seq, span, True))
    for seq, link in enumerate(links, start=len(heap)):
        start, end = link.get("start"), link.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length:
            heap.append((start, -end, LINK, seq, link, True))
    heapq.heapify(heap)
    root = Piece(0, length, -1, None, True)
    stack = [root]
    while heap:
        start, neg_end, kind, seq, item, is_head = heapq.heappop(heap)
        end = -neg_end
        while stack[-1].end <= start:
            stack.pop()
        parent = stack[-1]
        if end > parent.end:
            heapq.heappush(heap, (parent.end, neg_end, kind, seq, item, False))
            end = parent.end
        piece = Piece(start, end, kind, item, is_head)
        parent.children.append(piece)
        stack.append(piece)
    return root.children


def _text(text: str) -> str:
    escaped = _escape(text)
    # The HTML parser turns a raw CR into LF, which would shift every offset after it.
    return escaped.replace("\r", "&#13;") if "\r" in escaped else escaped


def _safe_url(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in {"http", "https"} else None


def _open_mark(span, depth: int, is_head: bool, user_id: int | None, flagged: frozenset) -> str:
    """Return a span's opening tag, every value escaped.

    The standard library's `html.escape` rather than `format_html`: it is the same escaping (Django's `escape`
    calls it), without the lazy-string checks that made up a fifth of a 300-span page's time.
    """
    label = span.label
    classes = f"hl l{label.pk} d{min(depth, 3)}"
    if user_id is not None and span.reviewer_id != user_id:
        classes += " theirs"
    slug = _escape(label.slug)
    if not is_head:
        # Only a span's first piece carries its label tag, its note and the focus for Enter.
        return f'<mark class="{classes} cont" data-annotation-id="{int(span.pk)}" data-label="{slug}">'
    note = getattr(span, "note", "")
    if note:
        classes += " noted"
    if span.pk in flagged:
        classes += " contra"
    reviewer = _escape(span.reviewer_name)
    title = f"{_escape(label.name)} · {reviewer}"
    note_attribute = ""
    if note:
        note = _escape(note)
        title += f" · Note: {note}"
        note_attribute = f' data-note="{note}"'
    return (
        f'<mark class="{classes}" data-annotation-id="{int(span.pk)}" data-label="{slug}" '
        f'data-reviewer="{reviewer}"{note_attribute} tabindex="-1" title="{title}">'
    )


def _render(
    text: str, pieces: Sequence[Piece], start: int, end: int, depth: int, user_id, flagged: frozenset
) -> list[str]:
    """Return the HTML of `text[start:end]` in parts, each already escaped."""
    out: list[str] = []
    pos = start
    for piece in pieces:
        out.append(_text(text[pos : piece.start]))
        if piece.kind == MARK:
            out.append(_open_mark(piece.item, depth, piece.is_head, user_id, flagged))
            out.extend(_render(text, piece.children, piece.start, piece.end, depth + 1, user_id, flagged))
            out.append(MARK_CLOSE)
        else:
            url = _safe_url(piece.item.get("url"))
            inner = _render(text, piece.children, piece.start, piece.end, depth, user_id, flagged)
            if url is None:
                out.extend(inner)
            else:
                out.append(format_html(LINK_OPEN, url))
                out.extend(inner)
                out.append(LINK_CLOSE)
        pos = piece.end
    out.append(_text(text[pos:end]))
    return out


def render_highlights(
    text: str,
    spans: Iterable,
    links: Iterable[dict] = (),
    user_id: int | None = None,
    flagged: Iterable[int] = (),
):
    """Return the paragraph text as HTML, each span a `mark` (cut only where spans cross); spans whose id is
    in `flagged` contradict another span and are marked so."""
    pieces = nest(len(text), spans, links or ())
    # Every part is already safe: escaped text, or tags built from escaped values.
    return mark_safe("".join(_render(text, pieces, 0, len(text), 0, user_id, frozenset(flagged))))


@register.simple_tag(takes_context=True)
def highlighted(context, paragraph) -> SafeString:
    """Render a paragraph's text with the spans the view attached as `paragraph.layer_spans`."""
    user = context.get("user")
    user_id = user.pk if user is not None and user.is_authenticated else None
    flagged = getattr(paragraph, "contradicting", ())
    return render_highlights(paragraph.text, paragraph.layer_spans, paragraph.links, user_id, flagged)


@register.simple_tag
def span_buttons(spans: Iterable, show_reviewers: bool = False, flagged: Iterable[int] = ()) -> SafeString:
    """Return the side panel's list items in reading order: one button per span (its label, quote,
    attribution, note, whether it contradicts another span) that scrolls to the span and flashes it.

    Built here with `html.escape` rather than in a template loop or with `format_html`: a 300-span panel is
    the biggest part of the page.
    """
    flagged = frozenset(flagged)
    return mark_safe("".join(_span_button(span, show_reviewers, flagged) for span in spans))


def _span_button(span, show_reviewers: bool, flagged: frozenset) -> str:
    label = span.label
    parts = [
        f'<li><button type="button" class="goto" data-goto="{int(span.pk)}">'
        f'<span class="tag l{int(label.pk)}">{_escape(label.name)}</span>'
    ]
    if span.pk in flagged:
        parts.append(CONTRA_MARK)
    parts.append(f" <q>{_escape(span.excerpt)}</q>")
    if span.attributed_to:
        parts.append(f' <span class="attr">— {_escape(span.attributed_to)}</span>')
    if show_reviewers:
        parts.append(f' <span class="who">{_escape(span.reviewer_name)}</span>')
    note = getattr(span, "note", "")
    if note:
        parts.append(NOTE_PART.format(_escape(Truncator(note).chars(NOTE_IN_LIST))))
    parts.append("</button></li>")
    return "".join(parts)


@register.filter
def ago(moment: datetime) -> str:
    """Return "just now" for the last minute, else "3 minutes ago"."""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def byline(value: str) -> str:
    """Return a byline that reads "By …" whether or not the publisher wrote the "By"."""
    value = value.strip()
    return value if value.lower().startswith("by ") else f"By {value}"


def _shade(hex_colour: str, factor: float) -> str:
    return "#" + "".join(f"{int(int(hex_colour[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


def _css_string(text: str) -> str:
    """Return `text` as the inside of a CSS string: anything but letters, digits and spaces as a hex escape,
    so no quote, backslash or `</style>` can come through."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):06x}" for ch in text)


@register.simple_tag
def label_styles(labels: Iterable) -> SafeString:
    """Return CSS rules giving each label its colour, readable text, its own border style and its name for
    the tag drawn above each span (generated content: never part of the text the offsets count)."""
    rules = []
    for rank, label in enumerate(labels):
        colour = label.colour if _HEX.match(label.colour or "") else "#e5e7eb"
        style = BORDER_STYLES[rank % len(BORDER_STYLES)]
        name = _css_string(getattr(label, "name", "") or "")
        rules.append((label.pk, colour, text_colour_for(colour), _shade(colour, 0.45), style, name))
    return format_html_join(
        "\n", '.l{}{{--hl-bg:{};--hl-fg:{};--hl-line:{};--hl-style:{};--hl-tag:"{}"}}', rules
    )
