"""A real annotated corpus (BASIL) imported with its spans, exported, re-imported into an emptied database,
and compared: the spans come back identical, through our JSONL and through W3C."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Annotation, AnnotationChange
from tests.api import basil
from tests.factories import UserFactory

ARTICLES = 60


def snapshot() -> set[tuple]:
    return set(
        Annotation.objects.live().values_list(
            "article__checksum", "paragraph__position", "start", "end", "quote", "label__slug",
            "reviewer__username", "note", "attributed_to", "created_at", "updated_at",
        )
    )  # fmt: skip


@pytest.fixture
def corpus(shared_dir, labels) -> set[tuple]:
    reviewer = UserFactory(username="basil")
    count = basil.load(shared_dir / "corpus" / "basil", articles=ARTICLES, reviewer=reviewer)
    assert count > 200
    # Times from the past, each span its own, so that the round trip has to carry them over.
    for number, pk in enumerate(Annotation.objects.order_by("pk").values_list("pk", flat=True)):
        created = datetime.datetime(2017, 3, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=number)
        Annotation.objects.filter(pk=pk).update(
            created_at=created, updated_at=created + datetime.timedelta(minutes=number, microseconds=number)
        )
    before = snapshot()
    assert len(before) == count
    assert {row[5] for row in before} == {"attributed_claim", "reported_fact", "speculation"}
    assert any(row[8] for row in before) and any(row[7] for row in before)
    return before


@pytest.mark.parametrize("format", ["jsonl", "w3c"])
def test_export_then_import_into_an_emptied_database_gives_identical_spans(client_for, staff, corpus, format):
    client = client_for(staff)
    exported = b"".join(client.get(f"/api/v1/export/spans?format={format}").streaming_content)
    assert len(exported.splitlines()) == len(corpus)
    AnnotationChange.objects.all().delete()
    Annotation.objects.all().delete()

    upload = SimpleUploadedFile(f"spans.{format}", exported)
    response = client.post("/api/v1/import/", {"file": upload}, format="multipart")

    assert response.status_code == 200, response.json()["problems"][:5]
    assert response.json() | {"created": None} == {
        "created": None,
        "reanchored": 0,
        "existing": 0,
        "restored": 0,
        "written": True,
        "problems": [],
        "not_restored": [],
    }
    assert snapshot() == corpus
    assert set(AnnotationChange.objects.values_list("action", "actor__username")) == {("import", "sam")}


def test_importing_the_same_export_again_adds_nothing(client_for, staff, corpus):
    client = client_for(staff)
    exported = b"".join(client.get("/api/v1/export/spans").streaming_content)
    response = client.post(
        "/api/v1/import/", {"file": SimpleUploadedFile("s.jsonl", exported)}, format="multipart"
    )
    assert response.json()["existing"] == len(corpus)
    assert response.json()["created"] == 0
    assert snapshot() == corpus
