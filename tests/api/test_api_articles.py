import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Tag
from tests.factories import ArticleFactory, SourceFactory

URL = "/api/v1/articles/"


@pytest.fixture
def corpus(db):
    south_front = SourceFactory(name="South Front", slug="south-front")
    global_research = SourceFactory(name="Global Research", slug="global-research")
    syria = Tag.objects.create(kind=Tag.Kind.REGION, name="Syria")
    original = ArticleFactory(
        title="Battle for Aleppo",
        publisher=south_front,
        published_on=datetime.date(2016, 12, 1),
        paragraphs=["Shelling resumed at dawn."],
    )
    repost = ArticleFactory(
        title="Aleppo: the battle",
        publisher=global_research,
        original_source=south_front,
        published_on=datetime.date(2016, 12, 10),
        paragraphs=["Shelling resumed at dawn."],
    )
    other = ArticleFactory(
        title="Budget talks", publisher=global_research, published_on=datetime.date(2017, 3, 1)
    )
    repost.tags.add(syria)
    original.tags.add(syria)
    return {"original": original, "repost": repost, "other": other}


def titles(client, query: str = "") -> list[str]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    return [row["title"] for row in response.json()["results"]]


def test_the_list_shows_metadata_newest_first(client_for, analyst, corpus):
    response = client_for(analyst).get(URL)
    first = response.json()["results"][0]
    assert first["title"] == "Budget talks"
    assert first["publisher"] == {"slug": "global-research", "name": "Global Research"}
    assert first["original_source"] is None
    assert response.json()["results"][1]["tags"] == [{"kind": "region", "name": "Syria"}]
    assert "paragraphs" not in first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("publisher=south-front", ["Battle for Aleppo"]),
        ("original_source=south-front", ["Aleppo: the battle"]),
        ("tag=Syria", ["Aleppo: the battle", "Battle for Aleppo"]),
        ("published_after=2016-12-05&published_before=2016-12-31", ["Aleppo: the battle"]),
        ("q=shelling", ["Aleppo: the battle", "Battle for Aleppo"]),
        ("q=budget", ["Budget talks"]),
        ("publisher=global-research&tag=Syria", ["Aleppo: the battle"]),
    ],
)
def test_the_list_filters(client_for, analyst, corpus, query, expected):
    assert titles(client_for(analyst), query) == expected


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("publisher=pravda", {"publisher": ["Unknown publisher 'pravda'."]}),
        ("original_source=nobody", {"original_source": ["Unknown original source 'nobody'."]}),
        ("tag=Atlantis", {"tag": ["Unknown tag 'Atlantis'."]}),
        ("published_after=2016-13-01", {"published_after": ["Enter a date as YYYY-MM-DD."]}),
        ("page=99", {"detail": "Invalid page."}),
        ("format=xml", {"format": ["Unknown format 'xml'. This endpoint answers JSON only: format=json."]}),
    ],
)
def test_unknown_filter_values_are_a_400_naming_them(client_for, analyst, corpus, query, errors):
    response = client_for(analyst).get(f"{URL}?{query}")
    assert response.status_code == (404 if "page" in query else 400)
    assert response.json() == errors


def test_the_label_list_refuses_unknown_parameters(client_for, analyst, labels):
    response = client_for(analyst).get("/api/v1/labels/?colour=red")
    assert response.status_code == 400
    assert response.json() == {
        "colour": ["Unknown query parameter 'colour'. Accepted: format, page, page_size."]
    }


def test_soft_deleted_articles_are_not_listed(client_for, analyst, corpus):
    Article.objects.filter(pk=corpus["other"].pk).update(deleted_at=datetime.datetime.now(datetime.UTC))
    assert "Budget talks" not in titles(client_for(analyst))
    assert client_for(analyst).get(f"{URL}{corpus['other'].pk}/").status_code == 404


def test_the_detail_has_the_paragraphs_in_order(client_for, analyst):
    article = ArticleFactory(paragraphs=["First.", "Second.", "Third."])
    body = client_for(analyst).get(f"{URL}{article.pk}/").json()
    assert [(p["position"], p["text"]) for p in body["paragraphs"]] == [
        (0, "First."),
        (1, "Second."),
        (2, "Third."),
    ]
    assert set(body["paragraphs"][0]) == {"id", "position", "text"}


@pytest.mark.parametrize("page_size", [1, 3, 50])
def test_the_list_costs_the_same_queries_whatever_the_page_size(client_for, analyst, corpus, page_size):
    client = client_for(analyst)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?page_size={page_size}")
    assert len(response.json()["results"]) == min(page_size, 3)
    # token, count, page (with publisher and source joined), tags
    assert len(queries) == 4


def test_staff_create_an_article_from_json(client_for, staff):
    payload = {
        "title": "Ceasefire holds", "paragraphs": ["The guns fell silent.", "Talks resume on Monday."],
        "publisher": "South Front", "published_on": "2016-12-12", "url": "https://southfront.org/ceasefire",
        "tags": [{"kind": "region", "name": "Syria"}],
    }  # fmt: skip
    response = client_for(staff).post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["publisher"] == {"slug": "south-front", "name": "South Front"}
    assert [p["text"] for p in body["paragraphs"]] == payload["paragraphs"]
    assert body["tags"] == [{"kind": "region", "name": "Syria"}]
    again = client_for(staff).post(URL, payload, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "An article with this title and text is already stored.",
        "id": body["id"],
    }
    assert Article.objects.count() == 1


NOT_A_URI = (
    "is not a valid absolute URI (RFC 3986); write it like https://example.org/story, "
    "with spaces and other special characters %-encoded"
)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"paragraphs": ["P."]}, "'title' is missing or empty"),
        ({"title": "T"}, "'text' or 'paragraphs' is missing"),
        ({"title": "T", "paragraphs": ["P."], "published_on": "12/12/2016"},
         "'published_on' must be a date written YYYY-MM-DD, not '12/12/2016'"),
        ({"title": "T", "paragraphs": ["P."], "url": "ftp://x"}, "'url' is not an http(s) address: 'ftp://x'"),
        ({"title": "T", "paragraphs": ["P."], "colour": "red"}, "unknown field 'colour' (the fields are: "
         "title, text, paragraphs, links, publisher, byline, published_on, original_source, "
         "original_published_on, url, tags, language)"),
        ({"title": "T" * 501, "paragraphs": ["P."]},
         "line 1: the title is 501 characters long; the limit is 500"),
        ({"title": "T", "paragraphs": ["P."], "url": "https://example.org/über"},
         f"line 1: the URL 'https://example.org/über' {NOT_A_URI}"),
        ({"title": "T", "paragraphs": ["P."], "url": "https://example.org/100%"},
         f"line 1: the URL 'https://example.org/100%' {NOT_A_URI}"),
    ],
)  # fmt: skip
def test_a_bad_article_is_refused_with_the_importers_message(client_for, staff, payload, message):
    response = client_for(staff).post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message.removeprefix("line 1: ")]}
    assert Article.objects.count() == 0


def test_a_json_list_is_not_an_article(client_for, staff):
    response = client_for(staff).post(URL, [{"title": "T"}], format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Send one article as a JSON object."]}


def test_staff_soft_delete_an_article(client_for, staff, corpus):
    response = client_for(staff).delete(f"{URL}{corpus['other'].pk}/")
    assert response.status_code == 204
    corpus["other"].refresh_from_db()
    assert corpus["other"].deleted_at is not None


def test_an_encoded_url_is_accepted_and_served_as_sent(client_for, staff):
    url = "https://example.org/a%20story?x=%C3%BC&y=(1)#part"
    response = client_for(staff).post(URL, {"title": "T", "paragraphs": ["P."], "url": url}, format="json")
    assert response.status_code == 201
    assert response.json()["url"] == url


@pytest.mark.parametrize("page_size", ["null", "ten", ""])
def test_a_page_size_that_is_no_number_is_a_400(client_for, analyst, corpus, page_size):
    response = client_for(analyst).get(f"{URL}?page_size={page_size}")
    assert response.status_code == 400
    assert response.json() == {"page_size": [f"{page_size!r} is not a whole number."]}


def test_an_empty_filter_is_a_400_not_every_article(client_for, analyst, corpus):
    response = client_for(analyst).get(f"{URL}?published_before=&publisher=")
    assert response.status_code == 400
    assert response.json() == {
        "published_before": ["This parameter is empty: give a value or leave it out."],
        "publisher": ["This parameter is empty: give a value or leave it out."],
    }
