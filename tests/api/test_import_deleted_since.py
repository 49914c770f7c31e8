"""Importing an old export again never brings back a span deleted since, unless asked to."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from annotator import spans
from annotator.models import Annotation
from tests.factories import ArticleFactory

URL = "/api/v1/import/"


@pytest.fixture
def old_export(client_for, staff, analyst, annotate):
    """An export of two spans, one of which is deleted afterwards."""
    article = ArticleFactory()
    kept = annotate(article.paragraphs.get(position=0), "On Monday", reviewer=analyst)
    gone = annotate(article.paragraphs.get(position=1), "mayor", label="attributed_claim", reviewer=analyst)
    content = b"".join(client_for(staff).get("/api/v1/export/spans").streaming_content)
    spans.delete(annotation=gone, actor=analyst)
    return content, kept, gone


def post(client, content: bytes, **options):
    return client.post(
        URL, {"file": SimpleUploadedFile("spans.jsonl", content), **options}, format="multipart"
    )


def test_a_span_deleted_since_the_export_is_reported_not_restored(client_for, staff, old_export):
    content, kept, gone = old_export
    response = post(client_for(staff), content)
    assert response.status_code == 200
    assert response.json() == {
        "created": 0, "reanchored": 0, "existing": 1, "restored": 0, "written": True, "problems": [],
        "not_restored": [{
            "line": 2,
            "message": f"attributed_claim 'mayor' (span {gone.pk}): deleted since the export, not restored; "
            "ask to restore deleted spans to bring it back.",
        }],
    }  # fmt: skip
    assert list(Annotation.objects.live().values_list("quote", flat=True)) == ["On Monday"]


def test_the_import_restores_deleted_spans_when_asked(client_for, staff, old_export):
    content, _, _ = old_export
    response = post(client_for(staff), content, restore_deleted=True)
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("created", "restored", "existing", "not_restored")} == {
        "created": 1, "restored": 1, "existing": 1, "not_restored": [],
    }  # fmt: skip
    assert sorted(Annotation.objects.live().values_list("quote", flat=True)) == ["On Monday", "mayor"]


def test_the_w3c_collection_export_comes_back_the_same_way(client_for, staff, analyst, annotate):
    article = ArticleFactory()
    gone = annotate(article.paragraphs.get(position=1), "mayor", label="attributed_claim", reviewer=analyst)
    client = client_for(staff)
    content = b"".join(client.get("/api/v1/export/spans?format=w3c-collection").streaming_content)
    spans.delete(annotation=gone, actor=analyst)
    response = post(client, content)
    assert (response.json()["created"], len(response.json()["not_restored"])) == (0, 1)
    response = post(client, content, restore_deleted=True)
    assert (response.json()["created"], response.json()["restored"]) == (1, 1)


def test_the_command_lists_them_and_restores_on_request(tmp_path, old_export, capsys):
    content, _, gone = old_export
    path = tmp_path / "old.jsonl"
    path.write_bytes(content)
    call_command("import_spans", str(path))
    out, err = capsys.readouterr()
    assert err == (
        f"{path}:2: attributed_claim 'mayor' (span {gone.pk}): deleted since the export, not restored; "
        "ask to restore deleted spans to bring it back.\n"
    )
    assert out == (
        "Created 0 spans (0 re-anchored by quote and context); 1 already present; 0 problems. "
        "1 deleted since the export, not restored (--restore-deleted).\n"
    )
    call_command("import_spans", str(path), "--restore-deleted")
    out, _ = capsys.readouterr()
    assert out == (
        "Created 1 spans (0 re-anchored by quote and context); 1 already present; 0 problems. "
        "1 deleted since the export restored.\n"
    )
    assert Annotation.objects.live().count() == 2
