"""WCAG contrast of label colours: which text colour reads on a highlight, and whether any does."""

from __future__ import annotations

DARK_TEXT, LIGHT_TEXT = "#111827", "#ffffff"
WCAG_AA = 4.5


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(background: str) -> str:
    """Return near-black or white, whichever reads better on the background."""
    dark, light = contrast_ratio(background, DARK_TEXT), contrast_ratio(background, LIGHT_TEXT)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def best_contrast(background: str) -> float:
    """Return the contrast of the highlighted text on this background, with the text colour chosen for it."""
    return contrast_ratio(background, text_colour_for(background))


PAPER = "#ffffff"  # the reading column's background (--paper in app.css)
# "Redmean" distance between two colours (0 to about 765): a cheap approximation of how different people
# see them. Below this a highlight hardly shows on the paper, or two labels look alike.
MIN_DISTANCE = 50


def distance(a: str, b: str) -> float:
    """Return the redmean distance between two #rrggbb colours."""
    (r1, g1, b1), (r2, g2, b2) = ([int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in (a, b))
    red_mean = (r1 + r2) / 2
    return (
        (2 + red_mean / 256) * (r1 - r2) ** 2
        + 4 * (g1 - g2) ** 2
        + (2 + (255 - red_mean) / 256) * (b1 - b2) ** 2
    ) ** 0.5
