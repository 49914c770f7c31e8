"""doccano and Label Studio exports, field for field against those tools' own samples in ../shared/corpus."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from annotator.formats import doccano, label_studio
from tests.annotator.format_rows import PARAGRAPHS, row

ROWS = [
    row("On Monday", "reported_fact", paragraph=0),
    row("mayor", "attributed_claim", reviewer="alice"),
    row("the budget would be cut by 10%", "reported_fact", reviewer="bob", span_id=2),
    row("privatisation 😮", "speculation", paragraph=2, span_id=3),
]
OTHER_ARTICLE = [row("town hall", "boilerplate", paragraph=0, article=8, span_id=9)]


def shape(value: object) -> object:
    """Return the keys and types of a JSON value, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


@pytest.fixture(scope="module")
def doccano_sample(shared_dir: Path) -> list[dict]:
    path = shared_dir / "corpus/doccano/backend/data_export/pipeline/examples/sequence_labeling/example.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def label_studio_sample(shared_dir: Path) -> dict:
    path = shared_dir / "corpus/label-studio/web/libs/editor/src/examples/named_entity/annotations/1.json"
    return json.loads(path.read_text())


def test_doccano_lines_have_the_samples_fields_and_types(doccano_sample):
    lines = [orjson.loads(line) for line in b"".join(doccano.write(ROWS + OTHER_ARTICLE)).splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert shape(line) == shape(doccano_sample[0])
        assert list(line) == list(doccano_sample[0])


def test_doccano_offsets_index_the_article_text():
    [line] = [orjson.loads(x) for x in b"".join(doccano.write(ROWS)).splitlines()]
    assert line["text"] == "\n\n".join(PARAGRAPHS)
    assert [(line["text"][s:e], label) for s, e, label in line["label"]] == [
        ("On Monday", "reported_fact"),
        ("mayor", "attributed_claim"),
        ("the budget would be cut by 10%", "reported_fact"),
        ("privatisation 😮", "speculation"),
    ]


def test_doccano_offsets_can_be_utf16_for_a_project_without_grapheme_counting():
    [line] = [orjson.loads(x) for x in b"".join(doccano.write(ROWS, offsets="utf16")).splitlines()]
    utf16 = line["text"].encode("utf-16-le")
    quotes = [utf16[s * 2 : e * 2].decode("utf-16-le") for s, e, _ in line["label"]]
    assert quotes == ["On Monday", "mayor", "the budget would be cut by 10%", "privatisation 😮"]
    [*_, (start, end, _)] = line["label"]
    assert (start, end) == (line["text"].index("privatisation"), line["text"].index("privatisation") + 16)


def test_label_studio_tasks_have_the_samples_fields_and_types_but_no_ids(label_studio_sample):
    tasks = json.loads(b"".join(label_studio.write(ROWS + OTHER_ARTICLE)))
    assert len(tasks) == 2
    # `task_path` is where the editor's example found its task file, not a field of an exported task; the
    # task and annotation ids are Label Studio's own to give (an annotation id that is not one of its numbers
    # is a 500 on import).
    expected = {
        key: value for key, value in shape(label_studio_sample).items() if key not in {"task_path", "id"}
    }
    expected["annotations"] = [{"result": expected["annotations"][0]["result"]}]
    expected["data"] = {"article": "int", "reviewers": ["str"], "text": "str", "title": "str"}
    for task in tasks:
        assert shape(task) == expected


def test_label_studio_groups_spans_by_reviewer_with_code_point_offsets():
    [task] = json.loads(b"".join(label_studio.write(ROWS)))
    assert task["data"]["article"] == 7 and task["data"]["reviewers"] == ["alice", "bob"]
    alice, bob = (annotation["result"] for annotation in task["annotations"])
    assert [r["value"]["text"] for r in bob] == ["the budget would be cut by 10%"]
    text = task["data"]["text"]
    for result in alice + bob:
        value = result["value"]
        assert text[value["start"] : value["end"]] == value["text"]
    emoji = next(r for r in alice if r["value"]["labels"] == ["speculation"])
    start = text.index("privatisation")
    assert (emoji["value"]["start"], emoji["value"]["end"]) == (start, start + len("privatisation 😮"))
    assert emoji["id"] == "3" and emoji["type"] == "labels"


def test_label_studio_offsets_can_be_utf16_for_older_versions():
    text = "😮 " + PARAGRAPHS[0]
    [task] = json.loads(
        b"".join(
            label_studio.write(
                [row("Monday", "reported_fact", paragraphs=[text], paragraph=0)], offsets="utf16"
            )
        )
    )
    [[region]] = [annotation["result"] for annotation in task["annotations"]]
    assert (region["value"]["start"], region["value"]["end"]) == (
        text.index("Monday") + 1,
        text.index("Monday") + 7,
    )


def test_label_studio_can_give_the_spans_as_predictions():
    [task] = json.loads(b"".join(label_studio.write(ROWS, **{"as": "predictions"})))
    assert "annotations" not in task
    assert [p["model_version"] for p in task["predictions"]] == ["provenance:alice", "provenance:bob"]
    assert [r["value"]["text"] for r in task["predictions"][1]["result"]] == [
        "the budget would be cut by 10%"
    ]


def test_label_studio_export_of_nothing_is_an_empty_list():
    assert json.loads(b"".join(label_studio.write([]))) == []
