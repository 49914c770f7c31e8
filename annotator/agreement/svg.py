"""Server-side SVG charts: the pairwise heat map and per-label bars with their intervals. No script, no CDN;
every name is escaped."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotator.agreement.report import Figure


def _colour(value: float | None) -> str:
    """Red (-1) through white (0) to blue (1); grey when undefined."""
    if value is None:
        return "#dddddd"
    v = max(-1.0, min(1.0, value))
    if v >= 0:
        r = g = round(255 - 190 * v)
        return f"#{r:02x}{g:02x}ff"
    g = b = round(255 + 190 * v)
    return f"#ff{g:02x}{b:02x}"


def heat_map(analysts: list[str], values: dict[tuple[str, str], Figure], title: str) -> SafeString:
    cell, margin = 56, 110
    size = margin + cell * len(analysts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {size} {size}" width="{size}" '
        f'height="{size}" class="agreement-heatmap"><title>{escape(title)}</title>'
    ]
    for i, name in enumerate(analysts):
        y = margin + cell * i + cell / 2
        parts.append(
            f'<text x="{margin - 6}" y="{y + 4}" text-anchor="end" font-size="12">{escape(name)}</text>'
        )
        parts.append(
            f'<text x="{y}" y="{margin - 6}" text-anchor="start" font-size="12" '
            f'transform="rotate(-45 {y} {margin - 6})">{escape(name)}</text>'
        )
    for i, first in enumerate(analysts):
        for j, second in enumerate(analysts):
            x, y = margin + cell * j, margin + cell * i
            if i == j:
                parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="#f4f4f4"/>')
                continue
            figure = values.get((first, second)) or values.get((second, first)) or Figure(None)
            text = "–" if figure.value is None else f"{figure.value:.2f}"
            interval = "" if figure.low is None else f" (95 % CI {figure.low:.2f} to {figure.high:.2f})"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{_colour(figure.value)}" '
                f'stroke="#fff"><title>{escape(first)} / {escape(second)}: {text}{interval}</title></rect>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                f'font-size="12">{text}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def interval_bars(rows: list[tuple[str, Figure]], title: str) -> SafeString:
    """One bar per label on a -1..1 axis, with its interval as a whisker."""
    width, label_width, row_height = 520, 150, 28
    plot = width - label_width - 20
    height = row_height * len(rows) + 30

    def x(value: float) -> float:
        return label_width + (max(-1.0, min(1.0, value)) + 1) / 2 * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" class="agreement-bars"><title>{escape(title)}</title>',
        f'<line x1="{x(0)}" y1="0" x2="{x(0)}" y2="{height - 20}" stroke="#888"/>',
    ]
    for tick in (-1, -0.5, 0, 0.5, 1):
        parts.append(
            f'<text x="{x(tick)}" y="{height - 5}" text-anchor="middle" font-size="11">{tick:g}</text>'
        )
    for i, (name, figure) in enumerate(rows):
        y = i * row_height + 6
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" font-size="12">{escape(name)}</text>'
        )
        if figure.value is None:
            parts.append(f'<text x="{x(0) + 4}" y="{y + 14}" font-size="12">undefined</text>')
            continue
        left, right = sorted((x(0), x(figure.value)))
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(right - left, 1)}" height="18" '
            f'fill="{_colour(figure.value)}" '
            f'stroke="#557"><title>{escape(name)}: {figure.value:.3f}</title></rect>'
        )
        if figure.low is not None:
            lo, hi = x(figure.low), x(figure.high)
            parts.append(
                f'<line x1="{lo}" y1="{y + 9}" x2="{hi}" y2="{y + 9}" stroke="#000"/>'
                f'<line x1="{lo}" y1="{y + 3}" x2="{lo}" y2="{y + 15}" stroke="#000"/>'
                f'<line x1="{hi}" y1="{y + 3}" x2="{hi}" y2="{y + 15}" stroke="#000"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
