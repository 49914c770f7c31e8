from __future__ import annotations

from collections.abc import Callable

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient


@pytest.fixture
def client_for(db) -> Callable[..., APIClient]:
    """Return an API client that sends the user's token (no user: an anonymous client)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            _, token = AuthToken.objects.create(user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def paragraph(article):
    """'The mayor said the budget would be cut by 10%.'"""
    return article.paragraphs.get(position=1)
