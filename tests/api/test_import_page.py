"""POST /api/v1/import/page/: a web page by its address, as HTML, or as a saved file."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, WebPage
from tests.page_server import ARTICLE_HTML

ENDPOINT = "/api/v1/import/page/"
CANONICAL = "https://gazette.example/news/harbour-lease-approved"
TITLE = "Harbour lease approved after late-night vote"


def test_an_address_is_fetched_imported_and_then_found_again(client_for, analyst, page_server):
    client = client_for(analyst)
    url = page_server.page("/story")
    response = client.post(ENDPOINT, {"url": url}, format="json")
    assert response.status_code == 201
    article = Article.objects.get()
    assert response.json() == {
        "created": True,
        "detail": f"Imported: {TITLE}",
        "id": article.pk,
        "title": TITLE,
        "url": CANONICAL,
        "article": f"http://testserver/api/v1/articles/{article.pk}/",
        "page": f"http://testserver/articles/{article.pk}/",
    }
    assert article.imported_by == analyst
    again = client.post(ENDPOINT, {"url": url}, format="json")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["detail"] == f"Already imported; not imported again: {TITLE}"
    assert again.json()["id"] == article.pk
    assert Article.objects.count() == 1


def test_html_sent_by_the_browser_is_imported_with_its_address(client_for, analyst):
    address = "https://gazette.example/news/harbour-lease-approved?ref=home"
    response = client_for(analyst).post(ENDPOINT, {"url": address, "html": ARTICLE_HTML}, format="json")
    assert response.status_code == 201
    page = WebPage.objects.get()
    assert (page.canonical_url, page.page_url) == (
        CANONICAL,
        "https://gazette.example/news/harbour-lease-approved?ref=home",
    )
    assert page.article.raw_text == ARTICLE_HTML


def test_a_saved_page_is_uploaded(client_for, analyst):
    upload = SimpleUploadedFile("harbour.html", ARTICLE_HTML.encode("utf-8"), content_type="text/html")
    response = client_for(analyst).post(ENDPOINT, {"file": upload}, format="multipart")
    assert response.status_code == 201
    assert response.json()["title"] == TITLE


def test_a_private_address_is_refused_with_nothing_written(client_for, analyst, settings):
    response = client_for(analyst).post(
        ENDPOINT, {"url": "http://169.254.169.254/latest/meta-data/"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The page was not imported: 169.254.169.254 is the cloud metadata address; pages are "
        "fetched only from the public internet "
        "(an intranet range can be allowed with FETCH_ALLOWED_NETWORKS)."
    }
    assert Article.objects.count() == 0


def test_a_page_too_large_is_refused(client_for, analyst, page_server):
    page_server.page("/huge", b"<!doctype html><html><body><p>" + b"a" * (11 * 2**20))
    response = client_for(analyst).post(ENDPOINT, {"url": page_server.url("/huge")}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"The page was not imported: the page at {page_server.url('/huge')} is 11,534,366 bytes; "
        "the limit is 10,485,760 bytes (FETCH_MAX_BYTES)."
    )
    assert Article.objects.count() == 0


def test_nothing_given_is_a_bad_request(client_for, analyst):
    response = client_for(analyst).post(ENDPOINT, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Give the page's `url`, its `html`, or a saved page as `file`."]
    }


def test_an_anonymous_request_is_refused(client_for, db):
    assert client_for().post(ENDPOINT, {"url": "https://example.org/"}, format="json").status_code == 401
