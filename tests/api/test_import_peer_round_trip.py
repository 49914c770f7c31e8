"""A real annotated corpus (BASIL) exported in a peer tool's format and imported back: the spans return on the
same characters with the same labels, whatever the format can hold (doccano and CoNLL hold no reviewer, note
or attribution; Label Studio no note or attribution), into the same articles or into an emptied database."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Annotation, AnnotationChange
from articles.models import Article
from tests.api import basil
from tests.factories import UserFactory

ARTICLES = 20


def spans(with_checksum: bool = True) -> set[tuple]:
    fields = ["paragraph__position", "start", "end", "quote", "label__slug", "reviewer__username"]
    fields.insert(0, "article__checksum" if with_checksum else "article__paragraphs__text")
    rows = Annotation.objects.live().filter(article__paragraphs__position=0) if not with_checksum else None
    return set((rows if rows is not None else Annotation.objects.live()).values_list(*fields))


@pytest.fixture
def corpus(shared_dir, labels) -> int:
    count = basil.load(
        shared_dir / "corpus" / "basil", articles=ARTICLES, reviewer=UserFactory(username="basil")
    )
    assert count > 60
    return count


def export(client, format: str) -> bytes:
    return b"".join(client.get(f"/api/v1/export/spans?format={format}").streaming_content)


def reimport(client, name: str, content: bytes, format: str):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        "/api/v1/import/", {"file": upload, "format": format, "default_reviewer": "basil"}, format="multipart"
    )


@pytest.mark.parametrize(
    ("format", "name"), [("doccano", "s.jsonl"), ("label-studio", "s.json"), ("conll", "s.conll")]
)
def test_into_the_same_articles_the_spans_come_back_identical(client_for, staff, corpus, format, name):
    client = client_for(staff)
    before = spans()
    exported = export(client, format)
    AnnotationChange.objects.all().delete()
    Annotation.objects.all().delete()

    response = reimport(client, name, exported, format)

    assert response.status_code == 200, response.json()["problems"][:5]
    assert response.json()["articles_created"] == 0 and response.json()["reanchored"] == 0
    assert response.json()["created"] == corpus
    assert spans() == before


@pytest.mark.parametrize(("format", "name"), [("doccano", "s.jsonl"), ("label-studio", "s.json")])
def test_into_an_emptied_database_the_articles_come_back_with_their_spans(
    client_for, staff, corpus, format, name
):
    client = client_for(staff)
    paragraphs_before = {
        tuple(a.paragraphs.order_by("position").values_list("text", flat=True)) for a in Article.objects.all()
    }
    before = {row[1:] for row in spans()}
    exported = export(client, format)
    AnnotationChange.objects.all().delete()
    Annotation.objects.all().delete()
    Article.objects.all().delete()

    response = reimport(client, name, exported, format)

    assert response.status_code == 200, response.json()["problems"][:5]
    assert response.json()["articles_created"] == ARTICLES
    assert {
        tuple(a.paragraphs.order_by("position").values_list("text", flat=True)) for a in Article.objects.all()
    } == paragraphs_before
    assert {row[1:] for row in spans()} == before
    again = reimport(client, name, exported, format).json()
    assert (again["created"], again["existing"], again["articles_created"]) == (0, corpus, 0)


def test_doccanos_sample_comes_back_from_our_doccano_export(client_for, staff, labels, shared_dir):
    """export(import(x)) == x: doccano's own export sample, through our import and our doccano export."""
    path = shared_dir / "corpus/doccano/backend/data_export/pipeline/examples/sequence_labeling/example.jsonl"
    ours = {"ORG": "reported_fact", "MISC": "speculation", "PERSON": "attributed_claim"}
    client = client_for(staff)
    upload = SimpleUploadedFile("example.jsonl", path.read_bytes())
    mappings = [f"{theirs}={slug}" for theirs, slug in ours.items()]
    response = client.post("/api/v1/import/", {"file": upload, "labels": mappings}, format="multipart")
    assert response.status_code == 200, response.json()

    exported = [json.loads(line) for line in export(client, "doccano").splitlines()]

    theirs = {slug: name for name, slug in ours.items()}
    back = {line["text"]: sorted([s, e, theirs[label]] for s, e, label in line["label"]) for line in exported}
    sample = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert back == {line["text"]: sorted(line["label"]) for line in sample}


def test_label_studios_sample_comes_back_from_our_label_studio_export(client_for, staff, labels, shared_dir):
    """export(import(x)) == x for what the format holds: task text and each region's offsets, text, label."""
    path = shared_dir / "corpus/label-studio/web/libs/editor/src/examples/named_entity/annotations/1.json"
    client = client_for(staff)
    upload = SimpleUploadedFile("1.json", path.read_bytes())
    response = client.post(
        "/api/v1/import/", {"file": upload, "labels": ["Date=reported_fact"]}, format="multipart"
    )
    assert response.status_code == 200, response.json()

    [task] = json.loads(export(client, "label-studio"))

    sample = json.loads(path.read_text())
    assert task["data"]["text"] == sample["data"]["text"]
    regions = [r["value"] for a in task["annotations"] for r in a["result"]]
    expected = [r["value"] for a in sample["annotations"] for r in a["result"]]
    assert [v | {"labels": ["Date"]} for v in regions] == expected
