"""The API on DRF's conventions: bodies through the strict JSON parser, query parameters and body fields
checked by serializers, unknown ones refused by name, and the query parameters documented from the same
serializers that check them."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator import formats
from annotator.models import Annotation
from articles.models import Article

DEEP = "[" * 3000 + "]" * 3000


@pytest.mark.parametrize("url", ["/api/v1/import/page/", "/api/v1/annotations/"])
def test_a_body_nested_too_deeply_is_a_bad_request(client_for, analyst, url):
    response = client_for(analyst).post(url, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - the body is nested too deeply."}


@pytest.mark.parametrize(
    ("url", "body", "unknown"),
    [
        ("/api/v1/articles/?shape=document&bogus=1", {"title": "T", "text": "Words."}, "bogus"),
        ("/api/v1/annotations/?bogus=1", {}, "bogus"),
        ("/api/v1/import/page/?bogus=1", {"html": "<p>Words.</p>"}, "bogus"),
    ],
)
def test_an_unknown_query_parameter_of_a_write_is_refused_by_name(client_for, staff, url, body, unknown):
    response = client_for(staff).post(url, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [unknown]
    assert response.json()[unknown][0].startswith(f"Unknown query parameter {unknown!r}.")
    assert not Article.objects.exists()


def test_a_misspelt_shape_is_refused_not_read_as_jsonl(client_for, staff):
    response = client_for(staff).post("/api/v1/articles/?shape=documnt", {"title": "T"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"shape": ["Unknown shape 'documnt'. Accepted: jsonl, document."]}


def test_the_article_create_still_reads_format_json(client_for, staff):
    body = {"title": "T", "paragraphs": ["Words."]}
    response = client_for(staff).post("/api/v1/articles/?format=json", body, format="json")

    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/projects/harbour/agreement/?bogus=1", "/api/v1/projects/harbour/agreement/figures/?bogus=1"],
)
def test_an_unknown_query_parameter_of_the_agreement_is_refused_by_name(client_for, analyst, url):
    response = client_for(analyst).get(url)

    assert response.status_code == 400
    assert list(response.json()) == ["bogus"]


def test_the_agreement_still_refuses_a_bad_gold(client_for, analyst):
    response = client_for(analyst).get("/api/v1/projects/harbour/agreement/?gold=2")

    assert response.status_code == 400
    assert response.json() == {"gold": ["Choose 0 or 1."]}


def test_an_unknown_query_parameter_of_the_export_is_refused_by_name(client_for, analyst):
    response = client_for(analyst).get("/api/v1/export/spans?format=csv&formulas=raw&bogus=1")

    assert response.status_code == 400
    assert list(response.json()) == ["bogus"]
    assert "formulas" in response.json()["bogus"][0]  # the options are accepted parameters


def test_a_misspelt_import_option_is_refused_and_nothing_is_written(client_for, staff, article):
    paragraph = article.paragraphs.get(position=1)
    start = paragraph.text.index("the budget")
    line = {
        "article_checksum": article.checksum,
        "paragraph_position": 1,
        "start": start,
        "end": start + len("the budget"),
        "quote": "the budget",
        "label": "reported_fact",
    }
    upload = SimpleUploadedFile("spans.jsonl", json.dumps(line).encode() + b"\n")

    response = client_for(staff).post(
        "/api/v1/import/", {"file": upload, "dry_runn": "true"}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["dry_runn"]
    assert response.json()["dry_runn"][0].startswith("Unknown field 'dry_runn'. Accepted: ")
    assert not Annotation.objects.exists()


def test_a_misspelt_page_import_field_is_refused_by_name(client_for, analyst):
    body = {"html": "<html><body><p>Words enough.</p></body></html>", "urll": "https://example.org/a"}

    response = client_for(analyst).post("/api/v1/import/page/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["urll"]
    assert not Article.objects.exists()


def _operation(schema: dict, path: str, method: str) -> dict:
    return schema["paths"][path][method]


def _query_parameters(operation: dict) -> dict[str, dict]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_the_schema_documents_query_parameters_from_their_serializers(client_for, analyst):
    schema = client_for(analyst).get("/api/schema/", {"format": "json"}).json()

    export = _query_parameters(_operation(schema, "/api/v1/export/spans", "get"))
    assert {"format", *formats.OPTIONS, "page_size", "page"} <= set(export)
    assert export["format"]["schema"]["default"] == "jsonl"
    assert export["page_size"]["schema"]["type"] == "integer"
    assert "any" in export["levels"]["schema"]["enum"]
    create = _query_parameters(_operation(schema, "/api/v1/articles/", "post"))
    assert set(create) == {"field", "shape"}
    table = _query_parameters(_operation(schema, "/api/v1/projects/{slug}/agreement/{table}/", "get"))
    assert set(table) == {"gold", "format", "article"}
    delete = _query_parameters(_operation(schema, "/api/v1/annotations/{id}/", "delete"))
    assert set(delete) == {"version"}


def test_the_import_description_has_no_stray_text(client_for, analyst):
    schema = client_for(analyst).get("/api/schema/", {"format": "json"}).json()
    description = _operation(schema, "/api/v1/import/", "post")["description"]

    assert "`restore_deleted` is set.\n\nPeer formats" in description
    assert description.count("unless `partial` is set.") == 1


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("format=doccano&overlap=", {"overlap": ["Unknown value '' for overlap. Accepted: allow, refuse."]}),
        ("format=w3c-collection&page_size=", {"page_size": ["Give a whole number from 1 to 10000, not ''."]}),
    ],
)
def test_an_empty_export_parameter_is_refused_not_taken_as_left_out(client_for, analyst, query, errors):
    response = client_for(analyst).get(f"/api/v1/export/spans?{query}")

    assert response.status_code == 400
    assert response.json() == errors


def test_an_empty_version_of_a_delete_is_refused(client_for, analyst, annotate, paragraph):
    span = annotate(paragraph, "budget", reviewer=analyst)

    response = client_for(analyst).delete(f"/api/v1/annotations/{span.pk}/?version=")

    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert Annotation.objects.live().filter(pk=span.pk).exists()
