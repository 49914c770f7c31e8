"""The article list: my counts and progress, search, filters, pagination, the htmx fragment."""

import datetime
import re

import pytest

from annotator import projects, spans
from articles.models import Article, Source
from tests.factories import ArticleFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def corpus(db, labels):
    gr = Source.objects.create(name="Global Research", slug="global-research")
    sf = Source.objects.create(name="South Front", slug="south-front")
    return {
        "palmyra": ArticleFactory(
            title="ISIS Advancing on Palmyra",
            publisher=gr,
            published_on=datetime.date(2016, 12, 10),
            paragraphs=["Clashes near Palmyra.", "The terrorist group claim gains.", "Boilerplate."],
        ),
        "aleppo": ArticleFactory(
            title="Ceasefire in Aleppo",
            publisher=sf,
            published_on=datetime.date(2016, 12, 9),
            paragraphs=["Lavrov announced a pause.", "Militants will sabotage it."],
        ),
        "deir": ArticleFactory(
            title="Deir Ezzor airport",
            publisher=gr,
            published_on=datetime.date(2016, 12, 8),
            paragraphs=["Attacks near the airport."],
        ),
    }


def tag_all(article, reviewer, label="reported_fact"):
    for paragraph in article.paragraphs.all():
        spans.create(paragraph=paragraph, label=label, start=0, end=5, reviewer=reviewer)


def titles(response) -> list[str]:
    return re.findall(r'<td class="title"><a href="/articles/\d+/">([^<]+)</a>', response.content.decode())


def test_anonymous_users_are_sent_to_the_login_page(client, corpus):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")


def test_it_lists_articles_with_my_counts_and_progress(client, analyst, colleague, corpus, labels):
    palmyra = corpus["palmyra"]
    first, second = palmyra.paragraphs.all()[:2]
    spans.create(paragraph=first, label="reported_fact", start=0, end=7, reviewer=analyst)
    spans.create(paragraph=first, label="speculation", start=8, end=12, reviewer=analyst)
    spans.create(paragraph=second, label="attributed_claim", start=0, end=19, reviewer=colleague)
    client.force_login(analyst)
    response = client.get("/")
    assert titles(response) == ["ISIS Advancing on Palmyra", "Ceasefire in Aleppo", "Deir Ezzor airport"]
    row = response.content.decode().split("ISIS Advancing on Palmyra")[1].split("</tr>")[0]
    assert (
        '<td><a class="outlet-link" href="/corpus/sources/global-research/">Global Research</a></td>' in row
    )
    assert '<time datetime="2016-12-10">10 Dec 2016</time>' in row
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["3", "2"]
    assert '<span class="status in-progress">In progress</span>' in row
    assert 'aria-label="Reported fact 1, Speculation 1"' in row
    fact, speculation = labels["reported_fact"].pk, labels["speculation"].pk
    assert f'<rect class="l{fact}" x="0.0" y="0" width="50.0" height="10">' in row
    assert f'<rect class="l{speculation}" x="50.0" y="0" width="50.0" height="10">' in row


def test_search_looks_in_titles_and_text(client, analyst, corpus):
    client.force_login(analyst)
    assert titles(client.get("/?q=aleppo")) == ["Ceasefire in Aleppo"]
    assert titles(client.get("/?q=TERRORIST group")) == ["ISIS Advancing on Palmyra"]
    assert "No article matches these filters." in client.get("/?q=zebra").content.decode()


def test_filters_by_publisher_and_progress(client, analyst, corpus):
    projects.mark_done(corpus["deir"], analyst)
    spans.create(
        paragraph=corpus["palmyra"].paragraphs.first(), label="boilerplate", start=0, end=7, reviewer=analyst
    )
    client.force_login(analyst)
    assert titles(client.get("/?publisher=south-front")) == ["Ceasefire in Aleppo"]
    assert "Ceasefire in Aleppo" in titles(client.get("/?progress=untouched"))
    assert titles(client.get("/?progress=in_progress")) == ["ISIS Advancing on Palmyra"]
    assert titles(client.get("/?progress=done")) == ["Deir Ezzor airport"]
    assert titles(client.get("/?publisher=global-research&progress=done")) == ["Deir Ezzor airport"]


def test_progress_is_mine_alone(client, analyst, colleague, corpus):
    tag_all(corpus["deir"], colleague)
    projects.mark_done(corpus["deir"], colleague)
    client.force_login(analyst)
    assert "Deir Ezzor airport" in titles(client.get("/?progress=untouched"))


def test_done_is_what_I_mark_not_paragraph_coverage(client, analyst, corpus):
    """A real article has paragraphs that need no tag: covering them all was the old, unreachable "done"."""
    tag_all(corpus["deir"], analyst)
    client.force_login(analyst)
    assert titles(client.get("/?progress=done")) == []
    assert titles(client.get("/?progress=in_progress")) == ["Deir Ezzor airport"]
    projects.mark_done(corpus["aleppo"], analyst)  # nothing in it needed a tag
    response = client.get("/?progress=done")
    assert titles(response) == ["Ceasefire in Aleppo"]
    assert "Done by you:</span> <strong>1</strong> of 1 article" in response.content.decode()
    assert '<span class="status done">Done</span>' in response.content.decode()
    projects.reopen(corpus["aleppo"], analyst)
    assert titles(client.get("/?progress=done")) == []
    assert "Ceasefire in Aleppo" in titles(client.get("/?progress=untouched"))


def test_an_htmx_request_gets_only_the_results(client, analyst, corpus):
    client.force_login(analyst)
    response = client.get("/?q=palmyra", **HTMX)
    body = response.content.decode()
    assert not body.lstrip().startswith("<!doctype")
    assert '<table class="articles">' in body
    assert "HX-Request" in response["Vary"]
    full = client.get("/?q=palmyra").content.decode()
    assert full.lstrip().startswith("<!doctype") and 'value="palmyra"' in full


def test_pagination_keeps_the_filters(client, analyst, corpus, monkeypatch):
    from annotator.views import articles

    monkeypatch.setattr(articles, "PER_PAGE", 1)
    client.force_login(analyst)
    body = client.get("/?publisher=global-research").content.decode()
    assert "Page 1 of 2 · 2 articles" in body
    assert 'href="?publisher=global-research&amp;page=2"' in body
    assert titles(client.get("/?publisher=global-research&page=2")) == ["Deir Ezzor airport"]


def test_deleted_articles_are_not_listed(client, analyst, corpus):
    corpus["aleppo"].deleted_at = datetime.datetime.now(datetime.UTC)
    corpus["aleppo"].save()
    client.force_login(analyst)
    assert "Ceasefire in Aleppo" not in titles(client.get("/"))


def test_an_unknown_filter_value_is_ignored(client, analyst, corpus):
    client.force_login(analyst)
    response = client.get("/?progress=bogus")
    assert response.status_code == 200


def test_an_invalid_filter_keeps_the_valid_ones_and_says_why(client, analyst, corpus):
    client.force_login(analyst)
    response = client.get("/", {"q": "Palmyra", "publisher": "nope"})
    assert response.status_code == 200
    assert titles(response) == ["ISIS Advancing on Palmyra"]
    body = response.content.decode()
    assert (
        '<div class="form-error" role="alert"><p>Publisher: Select a valid choice. '
        "That choice is not one of the available choices. This filter is ignored.</p></div>"
    ) in body
    assert 'value="Palmyra"' in body


def test_the_htmx_fragment_shows_the_filter_error_too(client, analyst, corpus):
    client.force_login(analyst)
    response = client.get("/", {"publisher": "south-front", "progress": "finished"}, **HTMX)
    assert titles(response) == ["Ceasefire in Aleppo"]
    body = response.content.decode()
    assert "Progress: Select a valid choice. finished is not one of the available choices." in body
    assert "<h1>" not in body


def test_a_history_restore_gets_the_whole_page_not_just_the_results(client, analyst, corpus):
    """htmx asks for the page again when Back misses its cache; it swaps the answer in as the whole body."""
    client.force_login(analyst)
    partial = client.get("/?q=aleppo", **HTMX).content.decode()
    restored = client.get("/?q=aleppo", **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="id_q"' not in partial
    assert 'id="id_q"' in restored and "Ceasefire in Aleppo" in restored


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("palmyra", ["ISIS Advancing on Palmyra"]),  # title and text
        ("lavrov", ["Ceasefire in Aleppo"]),  # text only
        ("smith", ["Deir Ezzor airport"]),  # byline
        ("south front", ["Ceasefire in Aleppo"]),  # publisher
        ("zebra", []),
    ],
)
def test_the_list_and_the_api_find_the_same_articles(client, analyst, corpus, q, expected):
    Article.objects.filter(pk=corpus["deir"].pk).update(byline="By Jane Smith")
    client.force_login(analyst)
    assert titles(client.get("/", {"q": q})) == expected
    api = client.get("/api/v1/articles/", {"q": q})
    assert [article["title"] for article in api.json()["results"]] == expected
