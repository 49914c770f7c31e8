"""The history in plain words: "deleted the span", "restored the span", "changed the label from X to Y".

The entries' values come as (field, old, new) triples with "—" for an empty value and "yes" / "no" for the
deleted flag (`annotator.views.workbench.HistoryItem.changes`).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

EMPTY = "—"
HEADLINES = {
    "create": "created the span",
    "change": "changed the span",
    "delete": "deleted the span",
    "transfer": "transferred the span",
    "import": "imported the span",
}
# What an undo did, told by the deleted flag it changed; with the flag unchanged it put values back.
UNDO_HEADLINES = {("no", "yes"): "removed the span", ("yes", "no"): "restored the span"}


def _deleted_change(item) -> tuple[str, str] | None:
    return next(((old, new) for name, old, new in item.changes if name == "deleted"), None)


@register.filter
def headline(item) -> str:
    """Return what the entry did to the span, in words: the words after the actor's name."""
    action = item.entry.action
    if action == "undo":
        return "undid a change: " + UNDO_HEADLINES.get(_deleted_change(item), "put the span back as it was")
    if action == "change" and _deleted_change(item) == ("yes", "no"):
        return "restored the span"
    return HEADLINES.get(action, item.entry.get_action_display())


def _value_change(name: str, old: str, new: str, noun: str) -> SafeString:
    if old == EMPTY:
        return format_html("added the {} <ins>{}</ins>", noun, new)
    if new == EMPTY:
        return format_html("removed the {} <del>{}</del>", noun, old)
    return format_html("changed the {} from <del>{}</del> to <ins>{}</ins>", noun, old, new)


NOUNS = {"label": "label", "note": "note", "attributed to": "attribution"}


@register.filter
def plain_changes(item) -> list[SafeString]:
    """Return one phrase per value the entry changed; deleting and restoring are told by the headline."""
    return [
        _value_change(name, _short(old), _short(new), NOUNS.get(name, name))
        for name, old, new in item.changes
        if name != "deleted"
    ]


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
