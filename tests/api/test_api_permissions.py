"""Permission matrix: anonymous, analyst on their own span, analyst on another's span, staff; every verb."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Annotation

CREATE = {"start": 0, "end": 3, "label": "speculation"}

# (who, whose span) -> expected status per verb
MATRIX = {
    ("anonymous", "own"): {
        "list": 401,
        "retrieve": 401,
        "create": 401,
        "patch": 401,
        "put": 401,
        "delete": 401,
    },
    ("analyst", "own"): {
        "list": 200,
        "retrieve": 200,
        "create": 201,
        "patch": 200,
        "put": 200,
        "delete": 204,
    },
    ("analyst", "other"): {
        "list": 200,
        "retrieve": 200,
        "create": 201,
        "patch": 403,
        "put": 403,
        "delete": 403,
    },
    ("staff", "other"): {
        "list": 200,
        "retrieve": 200,
        "create": 201,
        "patch": 200,
        "put": 200,
        "delete": 204,
    },
}


@pytest.mark.parametrize(("who", "whose"), list(MATRIX))
@pytest.mark.parametrize("verb", ["list", "retrieve", "create", "patch", "put", "delete"])
def test_permission_matrix(client_for, analyst, colleague, staff, paragraph, annotate, who, whose, verb):
    owner = analyst if whose == "own" else colleague
    span = annotate(paragraph, "mayor", reviewer=owner)
    client = client_for({"anonymous": None, "analyst": analyst, "staff": staff}[who])
    detail = f"/api/v1/annotations/{span.pk}/"
    response = {
        "list": lambda: client.get("/api/v1/annotations/"),
        "retrieve": lambda: client.get(detail),
        "create": lambda: client.post(
            "/api/v1/annotations/", {**CREATE, "paragraph": paragraph.pk}, format="json"
        ),
        "patch": lambda: client.patch(detail, {"version": 1, "note": "mine now"}, format="json"),
        "put": lambda: client.put(detail, {"version": 1, "label": "boilerplate"}, format="json"),
        "delete": lambda: client.delete(detail),
    }[verb]()
    expected = MATRIX[(who, whose)][verb]
    assert response.status_code == expected
    span.refresh_from_db()
    if verb in {"patch", "put", "delete"} and expected == 403:
        assert response.json() == {"detail": "You can only change your own spans."}
    if expected in {401, 403}:
        assert (span.version, span.deleted_at, span.note) == (1, None, "")
        assert Annotation.objects.count() == 1


@pytest.mark.parametrize(("user", "expected"), [("analyst", 403), ("staff", 201)])
def test_only_staff_create_and_delete_articles(client_for, analyst, staff, article, user, expected):
    client = client_for({"analyst": analyst, "staff": staff}[user])
    created = client.post("/api/v1/articles/", {"title": "T", "paragraphs": ["P."]}, format="json")
    assert created.status_code == expected
    deleted = client.delete(f"/api/v1/articles/{article.pk}/")
    assert deleted.status_code == {403: 403, 201: 204}[expected]


LINE = (
    b'{"quote": "x", "label": "speculation", "article_url": "https://a.example/", '
    b'"article_start": 0, "article_end": 1}'
)


def test_analysts_may_not_import_spans(client_for, analyst):
    upload = SimpleUploadedFile("s.jsonl", LINE)
    response = client_for(analyst).post("/api/v1/import/", {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only staff may do this."}


def test_staff_may_import_spans(client_for, staff):
    upload = SimpleUploadedFile("s.jsonl", LINE)
    response = client_for(staff).post("/api/v1/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"line": 1, "message": "no article with checksum None or url 'https://a.example/'."}
    ]
