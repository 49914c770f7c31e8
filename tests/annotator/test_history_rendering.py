"""The history list drawn in Python draws exactly what the `_history_item.html` template draws."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import RequestFactory

from annotator import spans
from annotator.models import AnnotationChange, Label
from annotator.views.common import Layer
from annotator.views.workbench import history_items, history_queryset
from tests.factories import UserFactory

# The reference: the template the pages used to include once per entry.
TEMPLATE = '{% for item in history %}{% include "annotator/_history_item.html" %}{% endfor %}'
TAG = "{% load history_words %}{% history_entries history %}"


@pytest.fixture
def history(article, analyst, labels):
    paragraph = article.paragraphs.get(position=1)
    span = spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=9, reviewer=analyst)
    span = spans.change(
        annotation=span, actor=analyst, version=1, label="speculation", note='<b>"hedged"</b> & co'
    )
    span = spans.change(annotation=span, actor=analyst, version=2, attributed_to="The <mayor>")
    span = spans.delete(annotation=span, actor=analyst, version=3)
    spans.undo(entry=AnnotationChange.objects.get(action="delete"), actor=analyst)
    other = UserFactory(username="o'brien <x>")
    spans.create(paragraph=paragraph, label="reported_fact", start=10, end=16, reviewer=other)
    return list(history_queryset(article, analyst))


@pytest.mark.parametrize("next_url", ["", "/articles/1/history/?page=2&x=<y>"])
@pytest.mark.parametrize("query", ["", "?layer=all"])
def test_the_python_history_list_draws_what_the_template_draws(history, analyst, next_url, query):
    request = RequestFactory().get("/" + query)
    request.user = analyst
    context = {
        "history": history_items(history, analyst, list(Label.objects.all())),
        "layer": Layer.from_request(request),
        "csrf_token": "token<&>",
        "next": next_url,
    }
    engine = engines["django"]
    expected = engine.from_string(TEMPLATE).render(context)
    assert "Undo" in expected and "<strong>o&#x27;brien &lt;x&gt;</strong>" in expected
    assert engine.from_string(TAG).render(context) == expected
