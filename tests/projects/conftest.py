from __future__ import annotations

from collections.abc import Callable

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from annotator import projects
from annotator.models import Project
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture
def team(db) -> dict:
    """A project of three articles labelled by alice and bob (two per article), curated by cora."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    cora, olga = UserFactory(username="cora"), UserFactory(username="olga")  # curator, outsider analyst
    staff = UserFactory(username="sam", is_staff=True)
    articles = [ArticleFactory(title=f"Story {i}") for i in range(3)]
    project = Project.objects.create(name="Harbour lease", slug="harbour", analysts_per_article=2)
    project.analysts.set([alice, bob])
    project.curators.set([cora])
    projects.set_articles(project, articles)
    projects.assign(project)
    other = Project.objects.create(name="Other desk", slug="other")
    other.analysts.set([olga])
    return {
        "project": project,
        "other": other,
        "alice": alice,
        "bob": bob,
        "cora": cora,
        "olga": olga,
        "staff": staff,
        "articles": articles,
    }


@pytest.fixture
def api_for(db) -> Callable[..., APIClient]:
    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            _, token = AuthToken.objects.create(user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make
