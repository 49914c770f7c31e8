"""One article per JSON file (BASIL's layout, ../shared/corpus/basil), read through a field mapping, from the
command line and the admin upload; a JSON document given as JSON Lines gets one message saying so."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import importers
from articles.admin import export_lines
from articles.models import Article

BASIL_ARTICLE = "articles/2010/2b95d2cf-e979-4f9c-ae27-9a5370934f23_1.json"
ONE_DOCUMENT = (
    "the file is one JSON document, not JSON Lines: use the json format (one article per file: `--format "
    "json`, "
    '"json" in the admin\'s upload form; map its fields with `--field paragraphs=KEY`), or write one '
    "article per line"
)


@pytest.fixture
def basil(shared_dir) -> Path:
    return shared_dir / "corpus" / "basil"


def stored(article: Article) -> tuple:
    published_on = article.published_on.isoformat() if article.published_on else None
    paragraphs = list(article.paragraphs.order_by("position").values_list("text", flat=True))
    return article.title, article.publisher.name, published_on, article.url, paragraphs


def expected(path: Path) -> tuple:
    data = json.loads(path.read_text())
    paragraphs = [" ".join(sentences) for sentences in data["body-paragraphs"]]
    return (
        data["title"].strip(),
        data["source"],
        data["date"],
        data["url"],
        [p for p in paragraphs if p.strip()],
    )


def test_a_basil_folder_imports_one_article_per_file_with_the_usual_names(db, basil):
    out = io.StringIO()
    call_command("import_articles", str(basil / "articles" / "2010"), stdout=out, stderr=io.StringIO())
    files = sorted((basil / "articles" / "2010").glob("*.json"))
    assert out.getvalue().startswith(
        f"Imported {len(files)} articles from {len(files)} files; skipped 0 duplicates"
    )
    for path in files:
        assert stored(Article.objects.get(url=json.loads(path.read_text())["url"])) == expected(path)


def test_basil_articles_round_trip_through_the_admins_json_lines_export(db, basil, tmp_path):
    report = importers.import_file(basil / BASIL_ARTICLE)
    assert report.error is None
    before = stored(Article.objects.get())
    (tmp_path / "export.jsonl").write_text("".join(export_lines(Article.objects.all())))
    Article.objects.all().delete()

    assert importers.import_file(tmp_path / "export.jsonl").error is None
    assert stored(Article.objects.get()) == before == expected(basil / BASIL_ARTICLE)


def test_a_field_mapping_reads_other_names(db, tmp_path):
    path = tmp_path / "story.json"
    path.write_text(json.dumps({
        "headline_text": "Council votes", "story": ["First paragraph.", "Second paragraph."],
        "outlet": "Harbour Ledger", "when": "2019-03-04T10:00:00Z", "writer": ["Ann Lee", "Bo Chan"],
    }, indent=2))  # fmt: skip
    fields = [
        "title=headline_text",
        "paragraphs=story",
        "publisher=outlet",
        "published_on=when",
        "byline=writer",
    ]

    call_command("import_articles", str(path), *[f"--field={f}" for f in fields], stdout=io.StringIO())

    article = Article.objects.get()
    assert stored(article) == (
        "Council votes",
        "Harbour Ledger",
        "2019-03-04",
        None,
        ["First paragraph.", "Second paragraph."],
    )
    assert article.byline == "Ann Lee, Bo Chan"


def test_a_missing_mapped_key_and_a_bad_mapping_are_named(db, tmp_path):
    path = tmp_path / "story.json"
    path.write_text('{\n"title": "T",\n"body": "Text."\n}\n')
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_articles", str(path), "--field=paragraphs=story", stdout=out, stderr=io.StringIO()
        )
    assert (
        f"{path}: the document has no 'story' (mapped to paragraphs); its keys are: title, body"
        in out.getvalue()
    )
    with pytest.raises(CommandError, match="write a field mapping as OURS=THEIRS with OURS one of title, "):
        call_command("import_articles", str(path), "--field=body=story", stdout=out)
    assert Article.objects.count() == 0


def test_a_json_document_given_as_json_lines_gets_one_message(db, basil):
    report = importers.import_file(basil / BASIL_ARTICLE, format="jsonl")
    assert report.error == ONE_DOCUMENT
    assert Article.objects.count() == 0


def test_admin_upload_with_field_mapping(client, staff, basil):
    client.force_login(staff)
    data = json.loads((basil / BASIL_ARTICLE).read_text())
    data["sentences"] = data.pop("body-paragraphs")
    upload = SimpleUploadedFile("basil.json", json.dumps(data, indent=1).encode())

    response = client.post(
        reverse("admin:articles_article_upload"), {"files": [upload], "json_fields": "paragraphs=sentences\n"}
    )

    assert "Imported: 1 article" in response.text
    assert stored(Article.objects.get()) == expected(basil / BASIL_ARTICLE)
    bad = client.post(reverse("admin:articles_article_upload"), {"files": [upload], "json_fields": "text"})
    assert bad.status_code == 400 and "write a field mapping as OURS=THEIRS" in bad.text


def test_the_api_creates_an_article_from_a_json_document(client, staff, basil):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff)
    data = json.loads((basil / BASIL_ARTICLE).read_text())
    data["sentences"] = data.pop("body-paragraphs")

    response = api.post("/api/v1/articles/?field=paragraphs=sentences", data, format="json")

    assert response.status_code == 201, response.json()
    assert stored(Article.objects.get()) == expected(basil / BASIL_ARTICLE)
    refused = api.post("/api/v1/articles/?field=story", data, format="json")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"][0].startswith("write a field mapping as OURS=THEIRS")
