"""Every API route refuses a query parameter it does not take, for every method it handles, with a 400 naming
the parameter, and does nothing else.

The query is judged once the request is authenticated and allowed, before the handler runs: before the object
is looked up, so a 404 never comes first. The routes below use existing objects all the same, so that a
refusal is seen to leave them alone. A 401 (no credentials) and a 403 (a write by a non-staff user) do come
first, by design; the staff user here passes both.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken

from annotator.models import Annotation, Project
from articles import detection
from articles.models import Article, BoilerplateSuggestion, ReuseLink
from tests.factories import ArticleFactory, SourceFactory

SHARED = [
    "The council voted on Monday to cut the school budget by ten percent from next year.",
    "Teachers said the cut would force the closure of two village schools in the valley.",
]
FOOTER = "Copyright © The Valley Courier. All rights reserved, reproduction only with permission."

# Each route of /api/v1/ by name, with the methods it handles and its path for the `objects` fixture.
ROUTES = {
    "api-root": (["get"], "/api/v1/"),
    "token": (["post"], "/api/v1/auth/token/"),
    "auth-token-list": (["get"], "/api/v1/auth/tokens/"),
    "auth-token-detail": (["delete"], "/api/v1/auth/tokens/{token}/"),
    "article-list": (["get", "post"], "/api/v1/articles/"),
    "article-detail": (["get", "delete"], "/api/v1/articles/{article}/"),
    "label-list": (["get"], "/api/v1/labels/"),
    "annotation-list": (["get", "post"], "/api/v1/annotations/"),
    "annotation-detail": (["get", "put", "patch", "delete"], "/api/v1/annotations/{annotation}/"),
    "reuse-link-list": (["get"], "/api/v1/reuse-links/"),
    "reuse-link-detail": (["get"], "/api/v1/reuse-links/{reuse_link}/"),
    "boilerplate-suggestion-list": (["get"], "/api/v1/boilerplate-suggestions/"),
    "boilerplate-suggestion-detail": (["get"], "/api/v1/boilerplate-suggestions/{suggestion}/"),
    "export-spans": (["get"], "/api/v1/export/spans"),
    "import-spans": (["post"], "/api/v1/import/"),
    "import-page": (["post"], "/api/v1/import/page/"),
    "project-agreement": (["get"], "/api/v1/projects/{project}/agreement/"),
    "agreement-table": (["get"], "/api/v1/projects/{project}/agreement/figures/"),
}


def _v1_routes(patterns, prefix: str = "") -> dict[str, set[str]]:
    """Return each named route under api/v1/ with the methods its view handles (OPTIONS aside)."""
    routes: dict[str, set[str]] = {}
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            for name, methods in _v1_routes(pattern.url_patterns, route).items():
                routes.setdefault(name, set()).update(methods)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/") and pattern.name:
            view = pattern.callback
            actions = getattr(view, "actions", None)
            if actions is not None:
                methods = set(actions)
            else:
                methods = {m for m in view.view_class.http_method_names if hasattr(view.view_class, m)}
            routes.setdefault(pattern.name, set()).update(methods - {"options", "head"})
    return routes


def test_the_table_lists_every_route_and_method():
    assert _v1_routes(get_resolver().url_patterns) == {
        name: set(methods) for name, (methods, _) in ROUTES.items()
    }


@pytest.fixture
def objects(staff, labels, annotate, settings) -> dict[str, object]:
    settings.BOILERPLATE_MIN_ARTICLES = 2
    courier = SourceFactory(name="Valley Courier")
    a = ArticleFactory(publisher=courier, paragraphs=[*SHARED, "Only here.", FOOTER])
    b = ArticleFactory(publisher=courier, paragraphs=["A new opening line for the story.", SHARED[0], FOOTER])
    detection.detect([a.pk, b.pk])
    span = annotate(a.paragraphs.order_by("position").first(), "council", reviewer=staff)
    token, _ = AuthToken.objects.create(staff)
    return {
        "article": a.pk,
        "annotation": span.pk,
        "token": token.token_key,
        "reuse_link": ReuseLink.objects.first().pk,
        "suggestion": BoilerplateSuggestion.objects.first().pk,
        "project": Project.objects.create(name="Harbour", slug="harbour").slug,
    }


@pytest.mark.parametrize(
    ("name", "method"), [(name, method) for name, (methods, _) in ROUTES.items() for method in methods]
)
def test_an_unknown_query_parameter_is_refused_by_name(client_for, staff, objects, name, method):
    path = ROUTES[name][1].format(**objects)
    articles_before = list(Article.objects.values_list("pk", "deleted_at"))
    spans_before = list(Annotation.objects.values_list("pk", "version", "deleted_at"))
    tokens_before = AuthToken.objects.count()

    response = getattr(client_for(staff), method)(f"{path}?bogus=1", {}, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["bogus"]
    assert response.json()["bogus"][0].startswith("Unknown query parameter 'bogus'.")
    assert list(Article.objects.values_list("pk", "deleted_at")) == articles_before
    assert list(Annotation.objects.values_list("pk", "version", "deleted_at")) == spans_before
    assert AuthToken.objects.count() == tokens_before + 1  # the client's own token only


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/articles/{article}/", "/api/v1/labels/", "/api/v1/auth/tokens/"]
)
def test_format_json_is_still_taken(client_for, staff, objects, path):
    response = client_for(staff).get(f"{path.format(**objects)}?format=json")

    assert response.status_code == 200, response.content


def test_the_token_list_still_pages(client_for, staff, objects):
    response = client_for(staff).get("/api/v1/auth/tokens/?page=1&page_size=1")

    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_the_token_request_refuses_an_unknown_body_field(client_for, staff):
    body = {"username": staff.username, "password": "x", "pasword": "x"}
    response = client_for().post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == 400
    assert response.json()["pasword"] == ["Unknown field 'pasword'. Accepted: password, username."]


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/auth/token/"])
def test_options_still_answers(client_for, staff, path):
    response = client_for(staff).options(path)

    assert response.status_code == 200
