"""The provenance page: an article's chain and related articles, as a page and as a fragment."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from articles import detection, provenance
from tests.factories import ArticleFactory, SourceFactory

SHARED = [
    "The council voted on Monday to cut the school budget by ten percent from next year.",
    "Teachers said the cut would force the closure of two village schools in the valley.",
]

WIRE = '<a class="outlet-link" href="/corpus/sources/valley-wire/">Valley Wire</a>'
COURIER = '<a class="outlet-link" href="/corpus/sources/valley-courier/">Valley Courier</a>'


@pytest.fixture
def chain(db):
    wire = SourceFactory(name="Valley Wire")
    courier = SourceFactory(name="Valley Courier")
    original = ArticleFactory(
        title="Budget cut", publisher=wire, published_on=datetime.date(2021, 3, 1), paragraphs=SHARED
    )
    repost = ArticleFactory(
        title="Schools to close",
        publisher=courier,
        original_source=wire,
        original_published_on=datetime.date(2021, 3, 1),
        published_on=datetime.date(2021, 3, 2),
        byline="Ann Example",
        paragraphs=[SHARED[0], "A new paragraph only the courier has, about the mayor's reaction."],
    )
    later = ArticleFactory(
        title="<b>Third</b>", publisher=courier, published_on=datetime.date(2021, 3, 5), paragraphs=SHARED
    )
    detection.detect([original.pk, repost.pk, later.pk])
    return original, repost, later


def test_related_articles_earliest_first_with_passage_counts(chain):
    original, repost, later = chain
    related = provenance.related_articles(repost)
    assert [(r.article, r.passages, r.is_earlier, r.characters) for r in related] == [
        (original, 1, True, len(SHARED[0])),
        (later, 1, False, len(SHARED[0])),
    ]
    html = render_to_string("annotator/_related.html", {"article": repost, "related": related})
    assert "Shares 1 passage with: " in html
    assert f"({WIRE}, 1 March 2021), {len(SHARED[0])} characters of this article · " in html
    assert f"Budget cut</a> ({WIRE}, 1 March 2021)" in html
    assert f"&lt;b&gt;Third&lt;/b&gt;</a> ({COURIER}, 5 March 2021)" in html
    assert html.index("Budget cut") < html.index("Third")
    assert reverse("annotator:compare", args=[repost.pk, original.pk]) in html


def test_the_chain_runs_from_the_original_source_to_the_publisher(chain):
    original, repost, _ = chain
    html = render_to_string(
        "annotator/_provenance.html", {"article": repost, "provenance": provenance.for_article(repost)}
    )
    steps = [
        f"Original source</span> {WIRE}, 1 March 2021",
        'Text from</span> <a href="'
        + original.get_absolute_url()
        + f'">Budget cut</a> ({WIRE}, 1 March 2021), 1 passage ({len(SHARED[0])} characters of this '
        + "article)",
        f"Republished by</span> {COURIER}, 2 March 2021 · By Ann Example",
    ]
    positions = [html.index(step) for step in steps]
    assert positions == sorted(positions)


def test_without_context_the_fragment_loads_itself(chain):
    _, repost, _ = chain
    html = render_to_string("annotator/_provenance.html", {"article": repost})
    url = reverse("annotator:provenance", args=[repost.pk])
    assert f'hx-get="{url}" hx-trigger="load"' in html
    assert f'<a href="{url}">Provenance and related articles</a>' in html


def test_the_provenance_view_serves_the_fragment_and_the_page(client, analyst, chain):
    _, repost, _ = chain
    client.force_login(analyst)
    url = reverse("annotator:provenance", args=[repost.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert "Republished by" in fragment.content.decode()
    assert fragment.headers["Vary"].count("HX-Request") == 1
    page = client.get(url).content.decode()
    assert "<html" in page and "Shares 1 passage with" in page


def test_an_article_without_reuse_says_so(client, analyst, db):
    article = ArticleFactory()
    client.force_login(analyst)
    html = client.get(reverse("annotator:provenance", args=[article.pk])).content.decode()
    assert "No other article shares a passage with this one." in html


def test_the_article_page_links_its_publisher_and_original_source_to_their_outlet_pages(
    client, analyst, chain
):
    client.force_login(analyst)
    _, repost, _ = chain
    html = client.get(repost.get_absolute_url()).content.decode()
    assert f"<dt>Published by</dt><dd>{COURIER}, " in html
    assert f"<dt>Original source</dt><dd>{WIRE}, " in html
