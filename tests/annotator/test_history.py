"""History: every create, change, delete and undo, newest first, with before/after values and undo."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotator import spans, transfer
from annotator.models import AnnotationChange
from tests.factories import ArticleFactory


@pytest.fixture
def paragraph(article):
    return article.paragraphs.get(position=1)


@pytest.fixture
def story(paragraph, analyst, labels):
    """alice tags a claim, relabels it, deletes it and undoes the deletion."""
    span = spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=9, reviewer=analyst)
    span = spans.change(annotation=span, actor=analyst, version=1, label="speculation", note="hedged")
    span = spans.delete(annotation=span, actor=analyst, version=2)
    spans.undo(entry=AnnotationChange.objects.get(action="delete"), actor=analyst)
    return span


def items(body: str) -> list[str]:
    return [part.split("</p>")[0] for part in body.split('<li class="history-item">')[1:]]


def test_the_panel_shows_the_history_newest_first(client, analyst, story, paragraph, labels):
    client.force_login(analyst)
    body = client.get(paragraph.article.get_absolute_url()).content.decode()
    entries = items(body)
    assert [entry.split("</strong> ")[1].split(" ")[0] for entry in entries] == [
        "undid",
        "deleted",
        "changed",
        "created",
    ]
    speculation = labels["speculation"].pk
    assert f'<span class="tag l{speculation}">Speculation</span> <q>The mayor</q>' in entries[0]
    # In plain words: no "deleted: no → yes".
    assert "<strong>alice</strong> undid a change: restored the span <span" in entries[0]
    assert "<strong>alice</strong> deleted the span <span" in entries[1]
    assert "<strong>alice</strong> changed the span <span" in entries[2]
    assert "<strong>alice</strong> created the span <span" in entries[3]
    assert "<li>changed the label from <del>Attributed claim</del> to <ins>Speculation</ins></li>" in body
    assert "<li>added the note <ins>hedged</ins></li>" in body
    history_list = body.split('class="history-list"')[1].split("</ol>")[0]
    assert "deleted: " not in body and "→" not in history_list


def test_undoing_a_creation_and_removing_a_note_read_in_plain_words(client, analyst, paragraph, labels):
    span = spans.create(
        paragraph=paragraph,
        label="speculation",
        start=0,
        end=9,
        reviewer=analyst,
        note="n1",
        attributed_to="A",
    )
    span = spans.change(annotation=span, actor=analyst, version=1, note="", attributed_to="B")
    spans.undo(entry=AnnotationChange.objects.get(action="change"), actor=analyst)
    spans.undo(entry=AnnotationChange.objects.get(action="create"), actor=analyst)
    client.force_login(analyst)
    url = reverse("annotator:article-history", args=[paragraph.article_id])
    body = client.get(url).content.decode()
    entries = items(body)
    assert "undid a change: removed the span" in entries[0]
    assert "undid a change: put the span back as it was" in entries[1]
    assert "<li>removed the note <del>n1</del></li>" in body
    assert "<li>changed the attribution from <del>A</del> to <ins>B</ins></li>" in body
    assert "<li>added the note <ins>n1</ins></li>" in body


def test_history_times_are_relative_with_the_absolute_time_on_hover(client, analyst, paragraph, labels):
    spans.create(paragraph=paragraph, label="speculation", start=0, end=9, reviewer=analyst)
    entry = AnnotationChange.objects.get()
    AnnotationChange.objects.filter(pk=entry.pk).update(
        created_at=datetime.datetime(2026, 3, 5, 14, 7, 9, tzinfo=datetime.UTC)
    )
    client.force_login(analyst)
    body = client.get(reverse("annotator:article-history", args=[paragraph.article_id])).content.decode()
    assert '<time datetime="2026-03-05T14:07:09+00:00" title="5 March 2026, 14:07:09 UTC">' in body


def test_only_my_newest_change_per_span_offers_undo(client, analyst, outsider, story, paragraph):
    client.force_login(analyst)
    body = client.get(paragraph.article.get_absolute_url()).content.decode()
    # The undo (newest) cannot be undone and the deletion is undone, so the relabel is next in line.
    relabel = AnnotationChange.objects.get(action="change")
    assert body.count(">Undo</button></form>") == 1
    assert f'hx-post="/changes/{relabel.pk}/undo/"' in body
    spans.change(annotation=story, actor=analyst, version=4, note="again")
    body = client.get(paragraph.article.get_absolute_url()).content.decode()
    newest = AnnotationChange.objects.first()
    assert body.count(">Undo</button></form>") == 1
    assert f'hx-post="/changes/{newest.pk}/undo/"' in body
    client.force_login(outsider)
    body = client.get(paragraph.article.get_absolute_url()).content.decode()
    assert body.count(">Undo</button></form>") == 0


def test_the_history_page_pages_through_everything(client, analyst, story, paragraph, monkeypatch):
    from annotator.views import workbench

    monkeypatch.setattr(workbench, "HISTORY_PER_PAGE", 3)
    client.force_login(analyst)
    url = reverse("annotator:article-history", args=[paragraph.article_id])
    first = client.get(url).content.decode()
    assert len(items(first)) == 3
    assert "Page 1 of 2" in first
    second = client.get(url + "?page=2").content.decode()
    assert len(items(second)) == 1
    assert "created" in items(second)[0]


def test_undo_from_the_history_page_returns_there(client, analyst, paragraph, labels):
    span = spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=9, reviewer=analyst)
    client.force_login(analyst)
    history_url = reverse("annotator:article-history", args=[paragraph.article_id])
    body = client.get(history_url).content.decode()
    assert f'<input type="hidden" name="next" value="{history_url}">' in body
    entry = span.changes.get()
    response = client.post(reverse("annotator:change-undo", args=[entry.pk]), {"next": history_url})
    assert (response.status_code, response["Location"]) == (302, history_url)
    span.refresh_from_db()
    assert span.deleted_at is not None


def test_undo_never_redirects_off_site(client, analyst, paragraph, labels):
    span = spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=9, reviewer=analyst)
    client.force_login(analyst)
    response = client.post(
        reverse("annotator:change-undo", args=[span.changes.get().pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/articles/{paragraph.article_id}/#para-{paragraph.pk}"


def test_the_history_page_needs_login(client, article):
    response = client.get(reverse("annotator:article-history", args=[article.pk]))
    assert response.status_code == 302


def test_times_read_as_just_now_then_minutes_ago(client, analyst, story, paragraph, time_machine):
    time_machine.move_to(AnnotationChange.objects.first().created_at)
    client.force_login(analyst)
    assert ">just now</time>" in client.get(paragraph.article.get_absolute_url()).content.decode()
    time_machine.shift(datetime.timedelta(minutes=5))
    assert ">5\xa0minutes ago</time>" in client.get(paragraph.article.get_absolute_url()).content.decode()


def test_a_transfer_says_which_article_the_span_came_from(client, analyst, labels, django_assert_num_queries):
    text = "Troops tried to encircle the city on Friday."
    target = ArticleFactory(title="Second report", paragraphs=[text])
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as before:
        client.get(target.get_absolute_url())
    sources = [
        ArticleFactory(title=f"Army <b>claims</b> & counterclaims {n}", paragraphs=[text]) for n in (1, 2)
    ]
    for source, quote in zip(sources, ["encircle the city", "on Friday"], strict=True):
        spans.create(
            paragraph=source.paragraphs.get(),
            label="reported_fact",
            start=text.index(quote),
            end=text.index(quote) + len(quote),
            reviewer=analyst,
        )
        transfer.apply(source=source, target=target, reviewer=analyst)
    with django_assert_num_queries(len(before)):
        body = client.get(target.get_absolute_url()).content.decode()
    entries = items(body)
    assert len(entries) == 2
    for entry, source, quote in zip(
        entries, reversed(sources), ["on Friday", "encircle the city"], strict=True
    ):
        assert entry.endswith(
            f'<q>{quote}</q> from <a href="{source.get_absolute_url()}">'
            f"Army &lt;b&gt;claims&lt;/b&gt; &amp; counterclaims {sources.index(source) + 1}</a>"
        )
    sources[0].deleted_at = timezone.now()
    sources[0].save(update_fields=["deleted_at"])
    entries = items(client.get(target.get_absolute_url()).content.decode())
    assert entries[1].endswith(
        "<q>encircle the city</q> from Army &lt;b&gt;claims&lt;/b&gt; &amp; counterclaims 1"
    )
