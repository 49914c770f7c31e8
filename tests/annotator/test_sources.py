"""The Sources page: articles per source, who republishes whom, label shares over each outlet's spans."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from annotator import spans
from annotator.models import Annotation
from articles import detection
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
    return re.search(rf"<th scope=\"row\">{name}</th>(.*?)</tr>", html, re.S).group(1)


def test_the_sources_page(client, analyst, corpus):
    client.force_login(analyst)
    html = client.get(reverse("annotator:sources")).content.decode()
    courier = _row(html, "Valley Courier")
    wire = _row(html, "Valley Wire")
    assert re.findall(r"(\d+) articles?", courier)[:2] == ["2", "0"]
    assert re.findall(r"(\d+) articles?", wire)[:2] == ["1", "2"]
    assert 'Valley Wire <span class="muted">× 2</span>' in courier
    assert "republished by Valley Courier × 2" in wire
    assert "reused by Valley Courier × 1" in wire
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
