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
from urllib.parse import urlsplit

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from annotator.colours import text_colour_for

register = template.Library()

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
# One border style per label rank, so labels differ by more than their colour.
BORDER_STYLES = ("solid", "double", "dashed", "dotted")
MARK, LINK = 0, 1
LINK_OPEN = '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">'
MARK_CLOSE, LINK_CLOSE = mark_safe("</mark>"), mark_safe("</a>")
SPAN_BUTTON = '<li><button type="button" class="goto" data-goto="{}"><q>{}</q>{}{}</button></li>'


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


def _text(text: str) -> SafeString:
    escaped = escape(text)
    # The HTML parser turns a raw CR into LF, which would shift every offset after it.
    return mark_safe(escaped.replace("\r", "&#13;")) if "\r" in escaped else escaped


def _safe_url(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in {"http", "https"} else None


def _open_mark(span, depth: int, is_head: bool, user_id: int | None) -> SafeString:
    label = span.label
    classes = f"hl l{label.pk} d{min(depth, 3)}"
    if user_id is not None and span.reviewer_id != user_id:
        classes += " theirs"
    if not is_head:
        classes += " cont"
    reviewer = span.reviewer_name
    return format_html(
        '<mark class="{}" data-annotation-id="{}" data-label="{}" data-reviewer="{}" title="{} · {}">',
        classes,
        span.pk,
        label.slug,
        reviewer,
        label.name,
        reviewer,
    )


def _render(
    text: str, pieces: Sequence[Piece], start: int, end: int, depth: int, user_id
) -> list[SafeString]:
    out: list[SafeString] = []
    pos = start
    for piece in pieces:
        out.append(_text(text[pos : piece.start]))
        if piece.kind == MARK:
            out.append(_open_mark(piece.item, depth, piece.is_head, user_id))
            out.extend(_render(text, piece.children, piece.start, piece.end, depth + 1, user_id))
            out.append(MARK_CLOSE)
        else:
            url = _safe_url(piece.item.get("url"))
            inner = _render(text, piece.children, piece.start, piece.end, depth, user_id)
            if url is None:
                out.extend(inner)
            else:
                out.append(format_html(LINK_OPEN, url))
                out.extend(inner)
                out.append(LINK_CLOSE)
        pos = piece.end
    out.append(_text(text[pos:end]))
    return out


def render_highlights(text: str, spans: Iterable, links: Iterable[dict] = (), user_id: int | None = None):
    """Return the paragraph text as HTML, each span a `mark` (cut only where spans cross)."""
    pieces = nest(len(text), spans, links or ())
    # Every part is already safe: escaped text or tags from format_html.
    return mark_safe("".join(_render(text, pieces, 0, len(text), 0, user_id)))


@register.simple_tag(takes_context=True)
def highlighted(context, paragraph) -> SafeString:
    """Render a paragraph's text with the spans the view attached as `paragraph.layer_spans`."""
    user = context.get("user")
    user_id = user.pk if user is not None and user.is_authenticated else None
    return render_highlights(paragraph.text, paragraph.layer_spans, paragraph.links, user_id)


@register.simple_tag
def span_buttons(spans: Iterable, show_reviewers: bool = False) -> SafeString:
    """Return the side panel's list items: one button per span that scrolls to it and flashes it.

    Built here rather than in a template loop: a 300-span panel is the biggest part of the page.
    """
    return format_html_join("", SPAN_BUTTON, (_span_button_values(span, show_reviewers) for span in spans))


def _span_button_values(span, show_reviewers: bool) -> tuple:
    attribution = (
        format_html(' <span class="attr">— {}</span>', span.attributed_to) if span.attributed_to else ""
    )
    reviewer = format_html(' <span class="who">{}</span>', span.reviewer_name) if show_reviewers else ""
    return span.pk, span.excerpt, attribution, reviewer


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


@register.simple_tag
def label_styles(labels: Iterable) -> SafeString:
    """Return CSS rules giving each label its colour, readable text and its own border style."""
    rules = []
    for rank, label in enumerate(labels):
        colour = label.colour if _HEX.match(label.colour or "") else "#e5e7eb"
        style = BORDER_STYLES[rank % len(BORDER_STYLES)]
        rules.append((label.pk, colour, text_colour_for(colour), _shade(colour, 0.45), style))
    return format_html_join("\n", ".l{}{{--hl-bg:{};--hl-fg:{};--hl-line:{};--hl-style:{}}}", rules)
