"""The history in plain words: "deleted the span", "restored the span", "changed the label from X to Y".

The entries' values come as (field, old, new) triples with "—" for an empty value and "yes" / "no" for the
deleted flag (`annotator.views.workbench.HistoryItem.changes`).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

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


def _time(moment) -> SafeString:
    from annotator.templatetags.highlights import ago

    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        dateformat.format(local, "c"),
        dateformat.format(local, "j F Y, H:i:s T"),
        ago(moment),
    )


def _history_item(item, suffix: str, csrf: str, next_url: str) -> str:
    """One history entry's markup, built in Python rather than by a template: a panel draws twenty on every
    refresh, and through the template engine they cost about a third of the article page's CPU time.
    `tests/annotator/test_history_rendering.py` holds the expected markup of every action."""
    entry = item.entry
    parts = [format_html('<li class="history-item">\n  <p><strong>{}</strong> {}', entry.actor.get_username(),
                         headline(item))]  # fmt: skip
    if item.label:
        parts.append(format_html(' <span class="tag l{}">{}</span>', item.label.pk, item.label.name))
    parts.append(format_html(" <q>{}</q>", Truncator(item.quote).chars(80)))
    if entry.action == "transfer" and entry.annotation.transferred_from:
        source = entry.annotation.transferred_from.article
        if source.deleted_at:
            parts.append(format_html(" from {}", source.title))
        else:
            parts.append(format_html(' from <a href="{}">{}</a>', source.get_absolute_url(), source.title))
    parts.append("</p>\n  ")
    phrases = plain_changes(item)
    if phrases:
        parts.append('<ul class="diff">' + "".join(f"<li>{phrase}</li>" for phrase in phrases) + "</ul>")
    parts.append('\n  <div class="meta">' + _time(entry.created_at) + "\n  ")
    if item.can_undo:
        action = reverse("annotator:change-undo", args=[entry.pk]) + suffix
        parts.append(format_html('<form class="inline" method="post" action="{}"', action))
        if not next_url:
            parts.append(format_html(' hx-post="{}"', action))
        parts.append(">" + csrf)
        if next_url:
            parts.append(format_html('<input type="hidden" name="next" value="{}">', next_url))
        parts.append('<button type="submit" class="link-button">Undo</button></form>')
    parts.append("</div>\n</li>\n")
    return "".join(parts)


@register.simple_tag(takes_context=True)
def history_entries(context, items) -> SafeString:
    """The entries of a history list, one `<li class="history-item">` each (see `_history_item`)."""
    token = context.get("csrf_token")
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"
        else ""
    )
    layer = context.get("layer")
    suffix = str(layer.suffix) if layer is not None else ""
    next_url = context.get("next") or ""
    return mark_safe("".join(_history_item(item, suffix, csrf, str(next_url)) for item in items))  # noqa: S308 (every part escaped above)
