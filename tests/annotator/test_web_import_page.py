"""The "Add from the web" page: its form, its bookmarklets, CSRF and login."""

from __future__ import annotations

import pytest
from django.test import Client

from articles.models import Article
from tests.page_server import ARTICLE_HTML

pytestmark = pytest.mark.django_db
PAGE = "/import/web/"


def test_the_article_list_links_to_the_page(client, analyst):
    client.force_login(analyst)
    assert f'href="{PAGE}">Add from the web</a>' in client.get("/").text


def test_the_page_is_filled_from_the_address_and_offers_both_bookmarklets(client, analyst):
    client.force_login(analyst)
    response = client.get(PAGE, {"url": "https://gazette.example/news/story"})
    page = response.text
    assert 'value="https://gazette.example/news/story"' in page
    assert "Add to Provenance</a>" in page and "Add to Provenance (as shown)</a>" in page
    # The bookmarklets open this page on this site; the HTML one answers only this site's window.
    assert "window.open(&quot;http://testserver/import/web/&quot;+&#x27;?url=&#x27;" in page
    assert "w.postMessage({url:location.href,html:document.documentElement.outerHTML},o)" in page
    assert "var o=&quot;http://testserver&quot;" in page
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_an_address_is_imported_and_its_article_opens(client, analyst, page_server):
    client.force_login(analyst)
    response = client.post(PAGE, {"url": page_server.page("/story"), "html": ""}, follow=True)
    article = Article.objects.get()
    assert response.redirect_chain == [(f"/articles/{article.pk}/", 302)]
    assert "Imported “Harbour lease approved after late-night vote”." in response.text
    again = client.post(PAGE, {"url": page_server.url("/story"), "html": ""}, follow=True)
    assert again.redirect_chain == [(f"/articles/{article.pk}/", 302)]
    assert "This page was imported already; here is its article." in again.text
    assert Article.objects.count() == 1


def test_the_html_the_bookmarklet_sent_is_imported(client, analyst):
    client.force_login(analyst)
    address = "https://gazette.example/news/harbour-lease-approved?members=1"
    response = client.post(PAGE, {"url": address, "html": ARTICLE_HTML})
    article = Article.objects.get()
    assert response.headers["Location"] == f"/articles/{article.pk}/"
    assert article.web_page.page_url == address
    assert article.raw_text == ARTICLE_HTML


def test_a_refused_address_is_said_on_the_page_with_nothing_written(client, analyst):
    client.force_login(analyst)
    response = client.post(PAGE, {"url": "http://10.0.0.7/intranet", "html": ""})
    assert response.status_code == 400
    assert (
        "The page was not imported: 10.0.0.7 is a private address; pages are fetched only from the public "
        "internet (an intranet range can be allowed with FETCH_ALLOWED_NETWORKS)."
    ) in response.text
    assert Article.objects.count() == 0


def test_an_empty_form_asks_for_an_address(client, analyst):
    client.force_login(analyst)
    response = client.post(PAGE, {"url": "", "html": ""})
    assert response.status_code == 400
    assert "Give the address of the page to import." in response.text


def test_a_post_without_the_csrf_token_is_refused(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(PAGE, {"url": "https://gazette.example/", "html": ARTICLE_HTML})
    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE, {"url": "https://gazette.example/story"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=/import/web/")
