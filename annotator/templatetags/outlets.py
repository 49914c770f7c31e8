"""`{% outlet_link source %}`: an outlet's name linked to its page, wherever the name appears.

"Unknown publisher" is no outlet (a gap in the metadata), so it stays plain text.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from articles.provenance import is_outlet

register = template.Library()


@register.simple_tag
def outlet_link(source) -> str:
    if source is None:
        return ""
    if not is_outlet(source):
        return format_html('<span class="no-outlet">{}</span>', source.name)
    return format_html(
        '<a class="outlet-link" href="{}">{}</a>',
        reverse("annotator:outlet", args=[source.slug]),
        source.name,
    )
