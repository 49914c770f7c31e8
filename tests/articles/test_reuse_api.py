"""Read-only API for reuse links (per article and per pair) and boilerplate suggestions."""

from __future__ import annotations

import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.routers import SimpleRouter

from annotator import suggestions
from annotator.api.source_criticism import BoilerplateSuggestionViewSet, ReuseLinkViewSet
from annotator.urls import urlpatterns as project_urls
from articles import detection
from articles.models import BoilerplateSuggestion, ReuseLink
from tests.factories import ArticleFactory, SourceFactory

# The API's router is wired by its owner; these routes mirror the two lines it registers.
router = SimpleRouter()
router.register("reuse-links", ReuseLinkViewSet, basename="reuse-link")
router.register("boilerplate-suggestions", BoilerplateSuggestionViewSet, basename="boilerplate-suggestion")
urlpatterns = [path("api/v1/", include(router.urls)), *project_urls]
pytestmark = pytest.mark.urls(__name__)

SHARED = [
    "The council voted on Monday to cut the school budget by ten percent from next year.",
    "Teachers said the cut would force the closure of two village schools in the valley.",
]
FOOTER = "Copyright © The Valley Courier. All rights reserved, reproduction only with permission."


@pytest.fixture
def corpus(db, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    courier = SourceFactory(name="Valley Courier")
    a = ArticleFactory(publisher=courier, paragraphs=[*SHARED, "Only here.", FOOTER])
    b = ArticleFactory(publisher=courier, paragraphs=["A new opening line for the story.", SHARED[0], FOOTER])
    c = ArticleFactory(paragraphs=[SHARED[1], "Something else entirely happened on the coast."])
    detection.detect([a.pk, b.pk, c.pk])
    return a, b, c


def _token(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {AuthToken.objects.create(user)[1]}"}


def test_links_per_article_and_per_pair(client, analyst, corpus, django_assert_max_num_queries):
    a, b, c = corpus
    headers = _token(analyst)
    # token, the article filter's existence check, count, page
    with django_assert_max_num_queries(4):
        body = client.get(f"/api/v1/reuse-links/?article={a.pk}", **headers).json()
    assert body["count"] == 2
    pair = client.get(f"/api/v1/reuse-links/?article={a.pk}&other={b.pk}", **_token(analyst)).json()
    [link] = pair["results"]
    assert (link["kind"], link["similarity"]) == ("verbatim", 1.0)
    assert (link["earlier_article"], link["later_article"]) == (a.pk, b.pk)
    assert link["earlier_text"] == link["later_text"] == SHARED[0]
    assert (link["earlier_start"], link["earlier_end"]) == (0, len(SHARED[0]))
    assert link["earlier_start_paragraph"] == link["earlier_end_paragraph"] == a.paragraphs.get(position=0).pk
    assert (link["later_article_start"], link["later_article_end"]) == (
        len(b.paragraphs.get(position=0).text) + 2,
        len(b.paragraphs.get(position=0).text) + 2 + len(SHARED[0]),
    )
    assert (
        client.get(f"/api/v1/reuse-links/?article={b.pk}&other={c.pk}", **_token(analyst)).json()["count"]
        == 0
    )


STATEMENT = (
    "The lease was approved in full compliance with the law, the city charter and the budget adopted by the "
    "council in March."
)
QUOTING = (
    "Dockworkers gathered at Pier 3 on Friday. A spokeswoman for the mayor insisted that the lease was "
    "approved in full compliance with the law, the city charter and the budget adopted by the council in "
    "March, and that the strike was unlawful."
)


def test_a_quote_is_a_link_of_just_the_quoted_words(client, analyst, db):
    earlier = ArticleFactory(paragraphs=[STATEMENT, "The port authority declined to comment."])
    later = ArticleFactory(paragraphs=[QUOTING, "Ships waited outside the harbour all weekend."])
    detection.detect([earlier.pk, later.pk])
    body = client.get(f"/api/v1/reuse-links/?article={later.pk}", **_token(analyst)).json()
    [link] = body["results"]
    assert (link["kind"], link["similarity"]) == ("verbatim", 1.0)
    assert (link["earlier_article"], link["later_article"]) == (earlier.pk, later.pk)
    assert link["earlier_text"] == STATEMENT
    quoted = (
        "the lease was approved in full compliance with the law, the city charter and the budget adopted by "
        "the council in March"
    )
    assert link["later_text"] == quoted
    assert (link["later_start"], link["later_end"]) == (
        QUOTING.index(quoted),
        QUOTING.index(quoted) + len(quoted),
    )


def test_a_reworded_sentence_is_no_link(client, analyst, db):
    threat = (
        "Union chair Rasmus Holm said members would stop work on Thursday if the city refused to reopen "
        "talks."
    )
    walkout = "Union chair Rasmus Holm said members would stay out until the city agreed to reopen talks."
    earlier = ArticleFactory(paragraphs=["Dockworkers met on Wednesday evening.", threat])
    later = ArticleFactory(paragraphs=["The strike began at dawn on the quays.", walkout])
    detection.detect([earlier.pk, later.pk])
    assert client.get(f"/api/v1/reuse-links/?article={later.pk}", **_token(analyst)).json()["count"] == 0


def test_links_need_authentication_and_refuse_writes(client, analyst, corpus):
    assert client.get("/api/v1/reuse-links/").status_code == 401
    response = client.post("/api/v1/reuse-links/", {}, **_token(analyst))
    assert response.status_code == 405
    assert ReuseLink.objects.count() == 2


@pytest.mark.parametrize("query", ["article=999999", "article=-5.8e%2B35", "article=1&other=x"])
def test_an_unknown_or_malformed_article_is_refused(client, analyst, corpus, query):
    response = client.get(f"/api/v1/reuse-links/?{query}", **_token(analyst))
    assert response.status_code == 400
    assert "article" in response.json() or "other" in response.json()


def test_an_unknown_filter_is_refused(client, analyst, corpus):
    response = client.get("/api/v1/reuse-links/?artcle=1", **_token(analyst))
    assert response.status_code == 400
    assert "Unknown query parameter 'artcle'" in response.json()["artcle"][0]


def test_suggestions_are_per_analyst(client, analyst, outsider, corpus):
    a, b, _ = corpus
    body = client.get(f"/api/v1/boilerplate-suggestions/?article={a.pk}", **_token(analyst)).json()
    [suggestion] = body["results"]
    assert (suggestion["text"], suggestion["occurrences"]) == (FOOTER, 2)
    suggestions.dismiss(suggestion=BoilerplateSuggestion.objects.get(pk=suggestion["id"]), user=analyst)
    assert (
        client.get(f"/api/v1/boilerplate-suggestions/?article={a.pk}", **_token(analyst)).json()["count"] == 0
    )
    assert (
        client.get(f"/api/v1/boilerplate-suggestions/?article={a.pk}", **_token(outsider)).json()["count"]
        == 1
    )


def test_the_schema_documents_both_endpoints():
    schema = SchemaGenerator(patterns=urlpatterns[:1]).get_schema(request=None, public=True)
    assert {"/api/v1/reuse-links/", "/api/v1/reuse-links/{id}/", "/api/v1/boilerplate-suggestions/"} <= set(
        schema["paths"]
    )
    assert {"ReuseLink", "BoilerplateSuggestion"} <= set(schema["components"]["schemas"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reuse-links/"]["get"]["parameters"]}
    assert {"article", "other", "kind"} <= parameters
