"""A post without a valid CSRF token: nothing is saved and the analyst is told why, in their words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from annotator.models import Annotation

MESSAGE = (
    "This page's security token is missing or out of date (after logging in again, or in another tab), so "
    "nothing was saved. Reload the page and try again."
)


@pytest.fixture
def strict_client(analyst) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    return client


def tag(client: Client, article, **headers):
    paragraph = article.paragraphs.get(position=0)
    data = {"paragraph": paragraph.pk, "start": 0, "end": 3, "label": "speculation"}
    return client.post(reverse("annotator:span-create", args=[article.pk]), data, **headers)


def test_an_htmx_tag_without_a_token_gets_a_message_the_workbench_shows(strict_client, article, labels):
    response = tag(strict_client, article, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == MESSAGE
    assert Annotation.objects.count() == 0


def test_a_plain_form_post_without_a_token_gets_a_page_saying_so(strict_client, article, labels):
    response = tag(strict_client, article)
    assert response.status_code == 403
    assert MESSAGE.replace("'", "&#x27;") in response.content.decode()
    assert "Back to the articles" in response.content.decode()
    assert Annotation.objects.count() == 0
