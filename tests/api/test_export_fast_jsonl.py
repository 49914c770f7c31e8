"""`fast_jsonl` yields exactly the bytes of the reference path, `jsonl.write(rows.iter_rows(...))`.

The suite runs on SQLite and on PostgreSQL, so this holds on both: the fast path formats timestamps
differently on each.
"""

from __future__ import annotations

import datetime
import json

import pytest

from annotator import spans
from annotator.formats import fast_jsonl, jsonl, rows
from annotator.models import Annotation
from articles.models import Article
from tests.factories import ArticleFactory, SourceFactory, UserFactory


def reference(queryset, **options) -> bytes:
    return b"".join(jsonl.write(rows.iter_rows(queryset, **options)))


def fast(queryset, **options) -> bytes:
    return b"".join(fast_jsonl.write(queryset, **options))


@pytest.fixture
def varied(labels, annotate):
    """Spans over three articles and four reviewers: emoji, accents, quotes and newlines in notes, a URL
    and no URL, an original source, a deleted span, a deleted article, a timestamp without microseconds."""
    wire = SourceFactory(name="Wire Agency")
    first = ArticleFactory(
        url='https://example.org/café?q="x"',
        original_source=wire,
        paragraphs=["Le maire a dit « non » 😮 à Zürich.", "Second: naïve façade, déjà vu."],
    )
    second = ArticleFactory(paragraphs=["No URL here; tab\there.", "Emoji 👍🏽 and \\ backslash."])
    gone = ArticleFactory(paragraphs=["This article will be deleted."])
    reviewers = [UserFactory(username=name) for name in ("zoë", "bob", "ana-maría", "李")]
    made = [
        annotate(first.paragraphs.get(position=0), "« non » 😮", reviewer=reviewers[0],
                 note='He said "no",\ntwice', attributed_to="le maire"),
        annotate(first.paragraphs.get(position=0), "Zürich", label="speculation", reviewer=reviewers[1]),
        annotate(first.paragraphs.get(position=1), "naïve façade", label="attributed_claim",
                 reviewer=reviewers[2], note="line one\r\nline two \u2028 sep"),
        annotate(second.paragraphs.get(position=1), "👍🏽", reviewer=reviewers[3]),
        annotate(second.paragraphs.get(position=0), "tab\there", reviewer=reviewers[0]),
        annotate(second.paragraphs.get(position=1), "\\ backslash", label="boilerplate",
                 reviewer=reviewers[1]),
        annotate(gone.paragraphs.get(position=0), "deleted", reviewer=reviewers[2]),
    ]  # fmt: skip
    spans.delete(annotation=made[1], actor=reviewers[1])
    Article.objects.filter(pk=gone.pk).update(deleted_at=datetime.datetime.now(datetime.UTC))
    Annotation.objects.filter(pk=made[4].pk).update(
        created_at=datetime.datetime(2025, 3, 1, 12, 30, tzinfo=datetime.UTC)
    )
    return made


def test_fast_jsonl_yields_the_reference_bytes(varied):
    expected = reference(Annotation.objects.all())
    lines = [json.loads(line) for line in expected.splitlines()]
    assert [line["quote"] for line in lines] == [
        "« non » 😮",
        "naïve façade",
        "tab\there",
        "👍🏽",
        "\\ backslash",
    ]
    assert lines[2]["created_at"] == "2025-03-01T12:30:00+00:00"
    assert fast(Annotation.objects.all()) == expected


@pytest.mark.parametrize("chunk_size", [1, 2, 3])
def test_fast_jsonl_yields_the_reference_bytes_across_chunks(varied, chunk_size):
    assert fast(Annotation.objects.all(), chunk_size=chunk_size) == reference(
        Annotation.objects.all(), chunk_size=chunk_size
    )


def test_fast_jsonl_yields_the_reference_bytes_for_a_filtered_export(varied):
    queryset = Annotation.objects.filter(reviewer__username__in=["zoë", "李"])
    assert len(reference(queryset).splitlines()) == 3
    assert fast(queryset) == reference(queryset)


def test_fast_jsonl_yields_nothing_when_every_span_is_gone(varied):
    Article.objects.update(deleted_at=datetime.datetime.now(datetime.UTC))
    assert fast(Annotation.objects.all()) == reference(Annotation.objects.all()) == b""
