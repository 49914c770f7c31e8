"""The export's fields are declared once, by the schema of a JSONL line (`SpanRecordSerializer`): the
reference export reads them from there, so the documented line and the written one cannot drift."""

from __future__ import annotations

import json

import pytest
from rest_framework import serializers

from annotator.formats import rows
from annotator.formats.span_records import SpanRecordSerializer


def test_the_export_fields_are_those_of_the_span_record_schema_in_its_order():
    assert list(rows.FIELDS) == list(SpanRecordSerializer().fields)
    assert rows.FIELDS["label"] == "label__slug"
    assert [name for name, path in rows.FIELDS.items() if path is None] == [
        "article_start",
        "article_end",
        "prefix",
        "suffix",
    ]


def test_a_record_field_without_its_export_source_is_refused():
    class Extended(SpanRecordSerializer):
        extra = serializers.CharField(read_only=True)

    with pytest.raises(TypeError, match="extra"):
        Extended.export_fields()


def test_the_schema_documents_the_line_the_export_writes(client_for, analyst, annotate, paragraph):
    annotate(paragraph, "budget", reviewer=analyst)
    client = client_for(analyst)

    [line] = b"".join(client.get("/api/v1/export/spans").streaming_content).splitlines()
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert list(schema["components"]["schemas"]["SpanRecord"]["properties"]) == list(json.loads(line))
