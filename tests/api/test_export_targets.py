"""Exports that load into the peer tools and never drop or arm anything, through the API and the command."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import ArticleFactory

URL = "/api/v1/export/spans"
PARAGRAPHS = [
    "Café owners 😮 said the new tax would ruin them.",
    "The mayor, José Núñez, denied it.",
]
TEXT = "\n\n".join(PARAGRAPHS)


@pytest.fixture
def nested(db, analyst, colleague, annotate):
    """An article with an emoji and accents: a span after the emoji, one nested in another, two crossing."""
    article = ArticleFactory(paragraphs=PARAGRAPHS)
    first, second = article.paragraphs.order_by("position")
    made = {
        "claim": annotate(
            first, "said the new tax would ruin them", label="attributed_claim", reviewer=analyst
        ),
        "tax": annotate(first, "new tax", label="reported_fact", reviewer=analyst),  # nested in claim
        "owners": annotate(
            first, "Café owners 😮 said", label="speculation", reviewer=colleague
        ),  # crosses claim
        "mayor": annotate(second, "José Núñez", label="reported_fact", reviewer=analyst, note="=1+1"),
    }
    return article, made


def body(response) -> bytes:
    assert response.status_code == 200, response.json()
    return b"".join(response.streaming_content)


def test_label_studio_tasks_have_no_ids_and_code_point_offsets(client_for, analyst, nested):
    article, made = nested
    [task] = json.loads(body(client_for(analyst).get(f"{URL}?format=label-studio")))
    assert "id" not in task and all("id" not in a for a in task["annotations"])
    assert task["data"]["article"] == article.pk and task["data"]["reviewers"] == ["alice", "bob"]
    regions = {r["id"]: r["value"] for a in task["annotations"] for r in a["result"]}
    assert len(regions) == 4
    for name, span in made.items():
        value = regions[str(span.pk)]
        assert TEXT[value["start"] : value["end"]] == value["text"] == span.quote, name
    tax = regions[str(made["tax"].pk)]
    assert (tax["start"], tax["end"]) == (TEXT.index("new tax"), TEXT.index("new tax") + 7)


def test_label_studio_predictions_and_utf16_on_request(client_for, analyst, nested):
    _, made = nested
    response = client_for(analyst).get(f"{URL}?format=label-studio&as=predictions&offsets=utf16")
    [task] = json.loads(body(response))
    assert "annotations" not in task
    assert [p["model_version"] for p in task["predictions"]] == ["provenance:alice", "provenance:bob"]
    regions = {r["id"]: r["value"] for p in task["predictions"] for r in p["result"]}
    tax = regions[str(made["tax"].pk)]
    assert (tax["start"], tax["end"]) == (
        TEXT.index("new tax") + 1,
        TEXT.index("new tax") + 8,
    )  # 😮 is 2 units


def test_doccano_keeps_every_span_in_code_points_or_utf16(client_for, analyst, nested):
    client = client_for(analyst)
    line = json.loads(body(client.get(f"{URL}?format=doccano")))
    assert sorted(line["text"][s:e] for s, e, _ in line["label"]) == sorted(
        ["said the new tax would ruin them", "new tax", "Café owners 😮 said", "José Núñez"]
    )
    line = json.loads(body(client.get(f"{URL}?format=doccano&offsets=utf16")))
    utf16 = line["text"].encode("utf-16-le")
    assert sorted(utf16[s * 2 : e * 2].decode("utf-16-le") for s, e, _ in line["label"]) == sorted(
        ["said the new tax would ruin them", "new tax", "Café owners 😮 said", "José Núñez"]
    )


def test_doccano_refuses_overlapping_spans_by_name_for_a_project_without_overlap(client_for, analyst, nested):
    _, made = nested
    response = client_for(analyst).get(f"{URL}?format=doccano&overlap=refuse")
    assert response.status_code == 400
    claim, tax, owners = made["claim"], made["tax"], made["owners"]
    start = TEXT.index("said the new tax")

    def named(span, at):
        where = f"at {at}-{at + len(span.quote)} in article {span.article_id}"
        return f"span {span.pk} ({span.label.slug} {span.quote!r} {where})"

    assert response.json() == {
        "overlap": [
            "2 spans do not fit a doccano project without overlapping spans, nothing was exported: "
            f"{named(claim, start)} overlaps {named(owners, 0)}; "
            f"{named(tax, TEXT.index('new tax'))} overlaps {named(claim, start)}."
        ]
    }


def test_conll_gives_each_nesting_level_a_column_or_refuses_a_single_column(client_for, analyst, nested):
    article, made = nested
    client = client_for(analyst)
    lines = body(client.get(f"{URL}?format=conll")).decode().split("\n")
    assert lines[0] == f"-DOCSTART-\tarticle={article.pk}\tlevels=3"
    tokens = {line.split("\t")[0]: line.split("\t")[3:] for line in lines[2:] if line}
    assert tokens["Café"] == ["B-speculation", "O", "O"]
    assert tokens["said"] == ["I-speculation", "B-attributed_claim", "O"]
    assert tokens["new"] == ["O", "I-attributed_claim", "B-reported_fact"]
    assert tokens["Núñez"] == ["I-reported_fact", "O", "O"]
    response = client.get(f"{URL}?format=conll&levels=1")
    assert response.status_code == 400
    [message] = response.json()["levels"]
    assert message.startswith(
        "2 spans do not fit in 1 tag column (nested or overlapping), nothing was exported: "
    )
    assert f"span {made['tax'].pk} (reported_fact 'new tax'" in message
    assert f"span {made['claim'].pk} (attributed_claim" in message


def test_csv_escapes_a_formula_unless_raw_is_asked(client_for, analyst, nested):
    client = client_for(analyst)
    [mayor] = [
        r for r in csv.DictReader(io.StringIO(body(client.get(f"{URL}?format=csv")).decode())) if r["note"]
    ]
    assert mayor["note"] == "'=1+1"
    raw = csv.DictReader(io.StringIO(body(client.get(f"{URL}?format=csv&formulas=raw")).decode()))
    assert [r["note"] for r in raw if r["note"]] == ["=1+1"]


def test_the_w3c_collection_is_one_document_with_every_span(client_for, analyst, nested):
    response = client_for(analyst).get(f"{URL}?format=w3c-collection")
    assert response["Content-Type"] == 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    collection = json.loads(body(response))
    assert collection["id"] == "http://testserver/api/v1/export/spans?format=w3c-collection"
    assert (collection["type"], collection["total"], len(collection["first"]["items"])) == (
        "AnnotationCollection",
        4,
        4,
    )


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "format=csv&formulas=off",
            {"formulas": ["Unknown value 'off' for formulas. Accepted: escape, raw."]},
        ),
        ("format=jsonl&formulas=raw", {"formulas": ["'formulas' applies to format csv only, not jsonl."]}),
        (
            "format=w3c&offsets=utf16",
            {"offsets": ["'offsets' applies to format doccano and label-studio only, not w3c."]},
        ),
        (
            "format=conll&levels=0",
            {"levels": ["Unknown value '0' for levels. Accepted: any, 1, 2, 3, 4, 5, 6, 7, 8, 9."]},
        ),
        (
            "format=label-studio&as=tasks",
            {"as": ["Unknown value 'tasks' for as. Accepted: annotations, predictions."]},
        ),
    ],
)
def test_an_option_that_does_not_apply_is_a_400(client_for, analyst, query, errors):
    response = client_for(analyst).get(f"{URL}?{query}")
    assert (response.status_code, response.json()) == (400, errors)


def test_the_command_takes_the_options_and_refuses_as_the_api_does(analyst, nested, tmp_path):
    target = tmp_path / "spans.conll"
    with pytest.raises(CommandError) as raised:
        call_command("export_spans", "--format", "conll", "--levels", "1", "--output", str(target))
    assert str(raised.value).startswith("--levels: 2 spans do not fit in 1 tag column")
    assert not target.exists()
    with pytest.raises(CommandError) as raised:
        call_command("export_spans", "--format", "jsonl", "--formulas", "raw", "--output", str(target))
    assert str(raised.value) == "--formulas: 'formulas' applies to format csv only, not jsonl."
    call_command(
        "export_spans",
        "--format",
        "label-studio",
        "--as",
        "predictions",
        "--output",
        str(target),
        verbosity=0,
    )
    [task] = json.loads(target.read_text())
    assert len(task["predictions"]) == 2
    call_command("export_spans", "--format", "w3c-collection", "--output", str(target), verbosity=0)
    collection = json.loads(target.read_text())
    assert (collection["id"], collection["total"]) == ("urn:provenance:spans", 4)


def test_the_w3c_collection_can_be_served_in_pages_that_link_each_other(client_for, analyst, nested):
    _, made = nested
    client = client_for(analyst)
    collection = json.loads(body(client.get(f"{URL}?format=w3c-collection&page_size=3")))
    base = "http://testserver/api/v1/export/spans?format=w3c-collection&page_size=3"
    assert (collection["id"], collection["total"], collection["last"]) == (base, 4, f"{base}&page=2")
    first = collection["first"]
    assert (first["id"], first["startIndex"], first["next"], len(first["items"])) == (
        f"{base}&page=1", 0, f"{base}&page=2", 3,
    )  # fmt: skip
    assert "prev" not in first
    second = json.loads(body(client.get(first["next"])))
    assert (second["@context"], second["type"], second["id"]) == (
        "http://www.w3.org/ns/anno.jsonld", "AnnotationPage", f"{base}&page=2",
    )  # fmt: skip
    assert (second["partOf"]["id"], second["partOf"]["total"], second["startIndex"]) == (base, 4, 3)
    assert (second["prev"], "next" in second) == (f"{base}&page=1", False)
    whole = json.loads(body(client.get(f"{URL}?format=w3c-collection")))["first"]["items"]
    assert first["items"] + second["items"] == whole
    assert len({item["id"] for item in whole}) == len(made)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "format=jsonl&page_size=2",
            {"page_size": ["'page_size' applies to format w3c-collection only, not jsonl."]},
        ),
        ("format=w3c-collection&page=2", {"page": ["'page' needs 'page_size'."]}),
        (
            "format=w3c-collection&page_size=0",
            {"page_size": ["Give a whole number from 1 to 10000, not '0'."]},
        ),
        ("format=w3c-collection&page_size=2&page=x", {"page": ["Give a whole number from 1, not 'x'."]}),
        (
            "format=w3c-collection&page_size=2&page=3",
            {"page": ["Page 3 does not exist: the collection has 2 pages."]},
        ),
    ],
)
def test_paging_that_cannot_apply_is_a_400(client_for, analyst, nested, query, errors):
    response = client_for(analyst).get(f"{URL}?{query}")
    assert (response.status_code, response.json()) == (400, errors)
