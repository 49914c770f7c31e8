"""The Sources page: articles per source, who republishes whom, label shares over each outlet's spans."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from annotator import spans
from annotator.models import Annotation
from articles import detection
from articles.models import UNKNOWN_PUBLISHER
from tests.factories import ArticleFactory, SourceFactory

SHARED = "The council voted on Monday to cut the school budget by ten percent from next year."


@pytest.fixture
def corpus(db, analyst, colleague, annotate):
    wire = SourceFactory(name="Valley Wire")
    courier = SourceFactory(name="Valley Courier")
    original = ArticleFactory(publisher=wire, paragraphs=[SHARED, "The wire says no more."])
    repost = ArticleFactory(
        publisher=courier, original_source=wire, paragraphs=[SHARED, "Some think the mayor will resign soon."]
    )
    ArticleFactory(publisher=courier, original_source=wire, paragraphs=["Another repost of another story."])
    ArticleFactory(publisher=courier, deleted_at=timezone.now())
    detection.detect([original.pk, repost.pk])
    first, second = repost.paragraphs.order_by("position")
    annotate(first, SHARED, "reported_fact", reviewer=analyst)  # 83 characters
    annotate(second, "Some think the mayor will resign soon.", "speculation", reviewer=colleague)  # 38
    gone = annotate(second, "the mayor", "speculation", reviewer=analyst)
    spans.delete(annotation=gone, actor=analyst)
    return wire, courier


def _row(html: str, name: str) -> str:
    return re.search(
        rf"<th scope=\"row\"><a class=\"outlet-link\" href=\"[^\"]+\">{name}</a></th>(.*?)</tr>", html, re.S
    ).group(1)


def test_the_sources_page(client, analyst, corpus):
    client.force_login(analyst)
    html = client.get(reverse("annotator:sources")).content.decode()
    courier = _row(html, "Valley Courier")
    wire = _row(html, "Valley Wire")
    assert re.findall(r"(\d+) articles?", courier)[:2] == ["2", "0"]
    assert re.findall(r"(\d+) articles?", wire)[:2] == ["1", "2"]
    wire_link = '<a class="outlet-link" href="/corpus/sources/valley-wire/">Valley Wire</a>'
    assert f'{wire_link} <span class="muted">× 2</span>' in courier
    assert (
        'republished by <a class="outlet-link" href="/corpus/sources/valley-courier/">Valley Courier</a> × 2'
        in wire
    )
    assert (
        'reused by <a class="outlet-link" href="/corpus/sources/valley-courier/">Valley Courier</a> × 1'
        in wire
    )
    assert 'aria-label="Reported fact 69%, Speculation 31%"' in courier
    assert '<rect x="0.00" y="0" width="68.60" height="6" fill="' in courier
    assert "No spans yet" in wire


def test_the_sources_page_needs_a_login(client, db):
    response = client.get(reverse("annotator:sources"))
    assert response.status_code == 302


def test_label_shares_leave_out_soft_deleted_articles(corpus, analyst, annotate):
    wire, courier = corpus
    hidden = ArticleFactory(publisher=courier, paragraphs=["A hidden story about the mayor."])
    annotate(hidden.paragraphs.get(), "the mayor", "speculation", reviewer=analyst)
    hidden.deleted_at = timezone.now()
    hidden.save()
    shares = Annotation.objects.live().label_shares()
    assert wire.pk not in shares
    assert [(s.name, s.characters, s.percent) for s in shares[courier.pk]] == [
        ("Reported fact", 83, "69%"),
        ("Speculation", 38, "31%"),
    ]


def test_unknown_publisher_is_no_outlet_on_the_sources_page(client, analyst, corpus):
    wire, _courier = corpus
    unknown = SourceFactory(name=UNKNOWN_PUBLISHER, slug="unknown-publisher")
    # An article without a publisher reposting the wire's text: detected reuse, but not by an outlet.
    orphan = ArticleFactory(publisher=unknown, paragraphs=[SHARED, "No one signed this."])
    detection.detect([orphan.pk])
    client.force_login(analyst)
    html = client.get(reverse("annotator:sources")).content.decode()
    assert UNKNOWN_PUBLISHER not in re.sub(r'<p class="muted sources-unknown">.*?</p>', "", html, flags=re.S)
    assert (
        '<a href="/?publisher=unknown-publisher">1 article has no known publisher</a>: it is left out here'
        in html
    )
    listed = client.get("/?publisher=unknown-publisher").content.decode()
    assert orphan.title in listed and "Valley Wire</a></td>" not in listed
    assert "reused by Valley Courier" in re.sub(r"<[^>]+>", "", _row(html, "Valley Wire"))
    assert client.get(reverse("annotator:outlet", args=["unknown-publisher"])).status_code == 404


def test_an_outlet_page(client, analyst, corpus, annotate):
    wire, courier = corpus
    undated = ArticleFactory(
        publisher=courier, published_on=None, paragraphs=["An undated story on the mayor."]
    )
    annotate(undated.paragraphs.get(), "the mayor", "attributed_claim", reviewer=analyst)
    courier.published_articles.filter(annotations__isnull=False).exclude(pk=undated.pk).update(
        published_on=datetime.date(2025, 3, 14)
    )
    client.force_login(analyst)
    response = client.get(reverse("annotator:outlet", args=[courier.slug]))
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "<h1>Valley Courier</h1>" in html
    assert "3 articles published here; named as the original source of 0 articles." in text
    assert "Who copies Valley Courier No other outlet copies it." in text
    assert "Whom Valley Courier copies republishes Valley Wire × 2 articles" in text
    assert "reuses the text of Valley Wire × 1 article pair" in text
    assert '<a class="outlet-link" href="/corpus/sources/valley-wire/">Valley Wire</a>' in html
    months = re.findall(
        r'<th scope="row">(?:<time datetime="([\d-]+)">)?([^<]+)', html.split("Label mix by month")[1]
    )
    assert months == [("2025-03", "March 2025"), ("", "Undated")]
    assert 'aria-label="Attributed claim 100%"' in html
    assert 'aria-label="Reported fact 69%, Speculation 31%"' in html
    wire_page = client.get(reverse("annotator:outlet", args=[wire.slug])).content.decode()
    wire_text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", wire_page))
    assert "Valley Courier republishes it × 2 articles" in wire_text
    assert "Valley Courier reuses its text × 1 article pair" in wire_text
    assert "Named as the original source by" in wire_text
    assert "No spans on its articles yet." in wire_text
