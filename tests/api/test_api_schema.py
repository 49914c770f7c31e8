"""The OpenAPI schema documents every endpoint, and the API honours it: schemathesis against a live server."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.config import SchemathesisConfig

from annotator import spans
from annotator.formats import rows
from tests.factories import ArticleFactory, UserFactory

# Every check, on valid and invalid requests. A schema-valid request may still get a 400 when it names
# something that does not exist (an article id, a label) or breaks a rule about meaning (a quote that is not
# the text between the offsets): every such 400 is documented with its messages, and no schema can tell.
ST_CONFIG = {
    "generation": {"mode": "all"},
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]}
    },
}


@pytest.fixture
def openapi(client, analyst) -> dict:
    client.force_login(analyst)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(openapi: dict):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_covers_every_endpoint(openapi):
    assert {(path, method) for path, method, _ in operations(openapi)} >= {
        ("/api/v1/articles/", "get"), ("/api/v1/articles/", "post"),
        ("/api/v1/articles/{id}/", "get"), ("/api/v1/articles/{id}/", "delete"),
        ("/api/v1/labels/", "get"),
        ("/api/v1/annotations/", "get"), ("/api/v1/annotations/", "post"),
        ("/api/v1/annotations/{id}/", "get"), ("/api/v1/annotations/{id}/", "put"),
        ("/api/v1/annotations/{id}/", "patch"), ("/api/v1/annotations/{id}/", "delete"),
        ("/api/v1/auth/token/", "post"), ("/api/v1/export/spans", "get"), ("/api/v1/import/", "post"),
    }  # fmt: skip


def test_every_operation_documents_its_errors_and_parameters(openapi):
    for path, method, operation in operations(openapi):
        codes = set(operation["responses"])
        inputs = {p["name"] for p in operation.get("parameters", [])} - {"id", "page", "page_size"}
        if inputs or "requestBody" in operation:
            assert "400" in codes, (path, method, codes)
        if path != "/api/v1/auth/token/":
            assert "401" in codes, (path, method)
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, method, parameter["name"])


def test_the_export_documents_each_format_and_the_offsets(openapi):
    export = openapi["paths"]["/api/v1/export/spans"]["get"]
    [format] = [p for p in export["parameters"] if p["name"] == "format"]
    assert format["schema"]["enum"] == [
        "brat",
        "conll",
        "csv",
        "doccano",
        "jsonl",
        "label-studio",
        "w3c",
        "w3c-collection",
    ]
    assert 'joined with "\\n\\n"' in export["description"]
    assert export["responses"]["200"]["content"]["application/zip"] == {
        "schema": {"type": "string", "format": "binary"}
    }
    assert "- `brat` (application/zip): brat standoff: a zip of `<article id>.txt`" in export["description"]
    assert "`#` AnnotatorNotes; line breaks and tabs in notes become spaces" in export["description"]
    options = {
        p["name"]: p
        for p in export["parameters"]
        if p["name"] in {"offsets", "overlap", "as", "levels", "formulas"}
    }
    assert {name: (set(p["schema"]["enum"]), p["schema"]["default"]) for name, p in options.items()} == {
        "offsets": ({"codepoints", "utf16"}, "codepoints"),
        "overlap": ({"allow", "refuse"}, "allow"),
        "as": ({"annotations", "predictions"}, "annotations"),
        "levels": ({"any", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, "any"),
        "formulas": ({"escape", "raw"}, "escape"),
    }
    assert "Count grapheme clusters as one character" in export["description"]
    assert "Allow overlapping spans" in export["description"]
    assert "OWASP" in options["formulas"]["description"]
    assert {p["name"] for p in export["parameters"]} >= {
        "label",
        "reviewer",
        "publisher",
        "tag",
        "updated_since",
    }


def test_the_viewer_loads_its_assets_from_this_server(client, analyst):
    client.force_login(analyst)
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in asset for asset in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"/api/schema/" in script.content


@pytest.fixture
def token(transactional_db) -> str:
    """A staff user's token, with an article and a span to find."""
    staff = UserFactory(username="sam", is_staff=True)
    article = ArticleFactory()
    spans.create(
        paragraph=article.paragraphs.get(position=1), label="speculation", start=4, end=9, reviewer=staff
    )
    return AuthToken.objects.create(staff)[1]


def _generated_schema() -> dict:
    """The schema as /api/schema/ serves it, made at import time for schemathesis to parametrize over."""
    generator = SchemaGenerator(urlconf="annotator.urls")
    return json.loads(json.dumps(generator.get_schema(request=None, public=True), default=str))


# The schema is loaded at collection time: the lazy `from_fixture` loader of schemathesis 4.32 reads a pytest
# node attribute that pytest 9 removed.
schema = schemathesis.openapi.from_dict(_generated_schema(), config=SchemathesisConfig.from_dict(ST_CONFIG))


@schema.parametrize()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the labels the migrations made
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_to_its_schema_and_never_fails(case, live_server, token):
    case.call_and_validate(base_url=live_server.url, headers={"Authorization": f"Token {token}"})


def test_one_span_record_schema_documents_the_export_line_and_the_api_body(openapi):
    components = openapi["components"]["schemas"]
    assert set(components["SpanRecord"]["properties"]) == set(rows.FIELDS)
    for body in ("SpanRecord", "AnnotationCreate"):
        assert "trimmed to the words inside them" in components[body]["properties"]["start"]["description"]
    delete = openapi["paths"]["/api/v1/annotations/{id}/"]["delete"]
    assert [p["name"] for p in delete["parameters"] if p["in"] == "query"] == ["version"]
