"""The history entries as the workbench draws them (`annotator.templatetags.history_words`), markup and all.

The expected HTML is written out here, so a change to the markup, its escaping or any action's wording
fails this test: names, titles, notes and quotes are hostile on purpose.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template import engines
from django.test import RequestFactory

from annotator import spans
from annotator.models import AnnotationChange, Label
from annotator.views.common import Layer
from annotator.views.workbench import history_items, history_queryset
from tests.factories import ArticleFactory, UserFactory

TAG = "{% load history_words %}{% history_entries history %}"
NOW = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(hours=2)
TIME = '<time datetime="2026-03-04T09:30:00+00:00" title="4 March 2026, 09:30:00 UTC">2\xa0hours ago</time>'
META = f'\n  <div class="meta">{TIME}\n  '
CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="token&lt;&amp;&gt;">'
UNDO = (
    '<form class="inline" method="post" action="/changes/{{{name}}}/undo/" '
    'hx-post="/changes/{{{name}}}/undo/">'
    + CSRF
    + '<button type="submit" class="link-button">Undo</button></form>'
)
XS = "x" * 59 + "…"
O_BRIEN = "<strong>o&#x27;brien &lt;x&gt;</strong>"
ALICE = "<strong>alice</strong>"
# The labels' ids are filled in with the entries' ids: {{ and }} keep their braces for that second format.
SPEC, FACT, CLAIM = (
    f'<span class="tag l{{{slug}}}">{name}</span>'
    for slug, name in [
        ("speculation", "Speculation"),
        ("reported_fact", "Reported fact"),
        ("attributed_claim", "Attributed claim"),
    ]
)
SOURCE = '<a href="/articles/{source}/">Lease &lt;b&gt;row&lt;/b&gt; &amp; &quot;more&quot;</a>'
HEDGED = "&lt;b&gt;&quot;hedged&quot;&lt;/b&gt; &amp; co"

# Newest first, as the panel and the history page list them; {…} are ids known only once the test has run.
EXPECTED = "".join(
    f'<li class="history-item">\n  <p>{headline}</p>\n  {diff}{META}{undo}</div>\n</li>\n'
    for headline, diff, undo in [
        (
            f"{ALICE} restored the span {SPEC} <q>Monday</q>",
            "",
            UNDO.format(name="restore"),
        ),
        (
            f"{ALICE} undid a change: removed the span {SPEC} <q>Monday</q>",
            "",
            "",
        ),
        (
            f"{ALICE} imported the span {SPEC} <q>Monday</q>",
            "",
            "",
        ),
        (
            f"{ALICE} transferred the span {FACT} <q>mayor</q> from {SOURCE}",
            "",
            UNDO.format(name="transfer"),
        ),
        (
            f"{O_BRIEN} undid a change: put the span back as it was {FACT} <q>said</q>",
            f'<ul class="diff"><li>removed the note <del>{XS}</del></li></ul>',
            "",
        ),
        (
            f"{O_BRIEN} changed the span {FACT} <q>said</q>",
            f'<ul class="diff"><li>added the note <ins>{XS}</ins></li></ul>',
            "",
        ),
        (f"{O_BRIEN} created the span {FACT} <q>said</q>", "", ""),
        (
            f"{ALICE} undid a change: restored the span {SPEC} <q>The mayor</q>",
            "",
            "",
        ),
        (
            f"{ALICE} deleted the span {SPEC} <q>The mayor</q>",
            "",
            "",
        ),
        (
            f"{ALICE} changed the span {SPEC} <q>The mayor</q>",
            f'<ul class="diff"><li>removed the note <del>{HEDGED}</del></li>'
            "<li>added the attribution <ins>The &lt;mayor&gt;</ins></li></ul>",
            UNDO.format(name="change"),
        ),
        (
            f"{ALICE} changed the span {SPEC} <q>The mayor</q>",
            '<ul class="diff"><li>changed the label from <del>Attributed claim</del> '
            "to <ins>Speculation</ins></li>"
            f"<li>added the note <ins>{HEDGED}</ins></li></ul>",
            "",
        ),
        (
            f"{ALICE} created the span {CLAIM} <q>The mayor</q>",
            "",
            "",
        ),
    ]
)


@pytest.fixture
def history(labels):
    """Every action once: create, change, delete, undo (of each kind), transfer, import, restore."""
    analyst = UserFactory(username="alice")
    other = UserFactory(username="o'brien <x>")
    article = ArticleFactory(title="Target")
    source = ArticleFactory(title='Lease <b>row</b> & "more"')
    with time_machine.travel(NOW, tick=False):
        paragraph = article.paragraphs.get(position=1)
        span = spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=9, reviewer=analyst)
        span = spans.change(
            annotation=span, actor=analyst, version=1, label="speculation", note='<b>"hedged"</b> & co'
        )
        span = spans.change(annotation=span, actor=analyst, version=2, attributed_to="The <mayor>", note="")
        span = spans.delete(annotation=span, actor=analyst, version=3)
        spans.undo(entry=AnnotationChange.objects.get(action="delete"), actor=analyst)
        second = spans.create(paragraph=paragraph, label="reported_fact", start=10, end=14, reviewer=other)
        second = spans.change(annotation=second, actor=other, version=1, note="x" * 70)
        spans.undo(entry=second.last_change, actor=other)
        origin = spans.create(
            paragraph=source.paragraphs.get(position=1), label="reported_fact", start=4, end=9, reviewer=other
        )
        transferred = spans.create(
            paragraph=article.paragraphs.get(position=1),
            label="reported_fact",
            start=4,
            end=9,
            reviewer=analyst,
            transferred_from=origin,
        )
        imported = spans.create(
            paragraph=article.paragraphs.get(position=0),
            label="speculation",
            start=3,
            end=9,
            reviewer=analyst,
            imported_by=analyst,
        )
        spans.undo(entry=imported.last_change, actor=analyst)
        # A span import that brings a deleted span back records a change of the deleted flag.
        imported.refresh_from_db()
        before = imported.snapshot()
        imported.deleted_at = None
        imported.save()
        AnnotationChange.objects.create(
            annotation=imported, article=article, actor=analyst, action="change", before=before,
            after=imported.snapshot(),
        )  # fmt: skip
    return {
        "article": article,
        "source": source,
        "analyst": analyst,
        "ids": {
            **{slug: label.pk for slug, label in labels.items()},
            "source": source.pk,
            "restore": AnnotationChange.objects.filter(action="change", annotation=imported).get().pk,
            "transfer": transferred.last_change.pk,
            "change": span.changes.get(action="change", after__attributed_to="The <mayor>").pk,
        },
    }


def render(history, next_url: str = "", query: str = "") -> str:
    analyst = history["analyst"]
    request = RequestFactory().get("/" + query)
    request.user = analyst
    labels = list(Label.objects.all())
    context = {
        "history": history_items(history_queryset(history["article"], analyst), analyst, labels),
        "layer": Layer.from_request(request),
        "csrf_token": "token<&>",
        "next": next_url,
    }
    with time_machine.travel(LATER, tick=False):
        return engines["django"].from_string(TAG).render(context)


def test_the_history_draws_every_action_in_words_with_every_value_escaped(history):
    assert render(history) == EXPECTED.format(**history["ids"])


def test_undo_keeps_the_layer_and_posts_back_to_the_history_page_without_htmx(history):
    drawn = render(history, next_url="/articles/1/history/?page=2&x=<y>", query="?layer=all")
    undo = (
        '<form class="inline" method="post" action="/changes/{}/undo/?layer=all">'
        + CSRF
        + '<input type="hidden" '
        'name="next" value="/articles/1/history/?page=2&amp;x=&lt;y&gt;"><button type="submit" '
        'class="link-button">Undo</button></form>'
    )
    ids = history["ids"]
    expected = EXPECTED.format(**ids)
    for name in ["restore", "transfer", "change"]:
        expected = expected.replace(UNDO.format(name=name).format(**ids), undo.format(ids[name]))
    assert drawn == expected


def test_a_span_transferred_from_a_deleted_article_names_it_without_a_link(history):
    history["source"].deleted_at = LATER
    history["source"].save()
    drawn = render(history)
    assert "<q>mayor</q> from Lease &lt;b&gt;row&lt;/b&gt; &amp; &quot;more&quot;</p>" in drawn
    assert "/articles/{}/".format(history["ids"]["source"]) not in drawn
