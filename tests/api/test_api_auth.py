"""Token and session authentication on every endpoint; nobody gets in without credentials."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

TOKEN_URL = "/api/v1/auth/token/"


def endpoints(article, span) -> list[tuple[str, str, dict | None]]:
    """Every endpoint with a request a staff user may make."""
    paragraph = article.paragraphs.get(position=0)
    return [
        ("get", "/api/v1/articles/", None),
        ("get", f"/api/v1/articles/{article.pk}/", None),
        ("post", "/api/v1/articles/", {"title": "New", "paragraphs": ["One.", "Two."], "publisher": "X"}),
        ("get", "/api/v1/labels/", None),
        ("get", "/api/v1/annotations/", None),
        (
            "post",
            "/api/v1/annotations/",
            {"paragraph": paragraph.pk, "start": 3, "end": 9, "label": "speculation"},
        ),
        ("get", f"/api/v1/annotations/{span.pk}/", None),
        ("patch", f"/api/v1/annotations/{span.pk}/", {"version": 1, "note": "n"}),
        ("put", f"/api/v1/annotations/{span.pk}/", {"version": 2, "label": "speculation"}),
        ("delete", f"/api/v1/annotations/{span.pk}/", None),
        ("get", "/api/v1/export/spans?format=csv", None),
        ("post", "/api/v1/import/", {"upload": _line(article, span)}),
        ("delete", f"/api/v1/articles/{article.pk}/", None),
    ]


def _line(article, span) -> bytes:
    fields = {
        "article_checksum": article.checksum,
        "paragraph_position": 1,
        "start": span.start,
        "end": span.end,
    }
    return json.dumps({**fields, "quote": span.quote, "label": "reported_fact", "reviewer": "sam"}).encode()


def _call(client, method: str, url: str, data):
    if isinstance(data, dict) and "upload" in data:
        upload = SimpleUploadedFile("spans.jsonl", data["upload"], content_type="application/x-ndjson")
        return client.post(url, {"file": upload, "dry_run": True}, format="multipart")
    return getattr(client, method)(url, data, format="json")


def test_a_token_is_given_for_a_username_and_password(client_for, analyst):
    response = client_for().post(TOKEN_URL, {"username": "alice", "password": "correct horse battery staple"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert client_for().get("/api/v1/labels/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_a_wrong_password_gets_no_token(client_for, analyst):
    response = client_for().post(TOKEN_URL, {"username": "alice", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_every_endpoint_answers_a_token_client(client_for, staff, article, annotate):
    span = annotate(article.paragraphs.get(position=1), "mayor", reviewer=staff)
    client = client_for(staff)
    for method, url, data in endpoints(article, span):
        response = _call(client, method, url, data)
        assert response.status_code in {200, 201, 204}, (method, url, response.content[:300])


def test_every_endpoint_refuses_anonymous_clients_with_401_not_a_login_redirect(
    client_for, staff, article, annotate
):
    span = annotate(article.paragraphs.get(position=1), "mayor", reviewer=staff)
    for method, url, data in endpoints(article, span):
        response = _call(client_for(), method, url, data)
        assert response.status_code == 401, (method, url, response.status_code)
        assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_a_401(client_for, article):
    response = client_for().get("/api/v1/articles/", HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_logged_in_browser_session_works_too(client, analyst, labels):
    client.force_login(analyst)
    assert client.get("/api/v1/labels/").json()["count"] == 4


def test_the_schema_needs_a_token_or_a_session(client_for, client, analyst):
    anonymous = client_for().get("/api/schema/?format=json")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    assert anonymous["WWW-Authenticate"] == "Token"
    by_token = client_for(analyst).get("/api/schema/?format=json")
    assert by_token.status_code == 200 and "/api/v1/annotations/" in by_token.json()["paths"]
    client.force_login(analyst)
    assert client.get("/api/schema/?format=json").status_code == 200


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/?script="])
def test_the_schema_viewer_sends_an_anonymous_browser_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/docs/")


def test_the_schema_viewer_opens_for_a_signed_in_browser(client, analyst):
    client.force_login(analyst)
    page = client.get("/api/docs/")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.content.decode()
