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


def test_label_studio_tasks_have_the_samples_fields_and_types(label_studio_sample):
    tasks = json.loads(b"".join(label_studio.write(ROWS + OTHER_ARTICLE)))
    assert len(tasks) == 2
    # `task_path` is where the editor's example found its task file, not a field of an exported task.
    expected = {key: value for key, value in shape(label_studio_sample).items() if key != "task_path"}
    for task in tasks:
        assert shape(task) == expected


def test_label_studio_groups_spans_by_reviewer_with_utf16_offsets():
    [task] = json.loads(b"".join(label_studio.write(ROWS)))
    assert task["id"] == 7
    by_id = {a["id"]: a["result"] for a in task["annotations"]}
    assert sorted(by_id) == ["7:alice", "7:bob"]
    text = task["data"]["text"]
    utf16 = text.encode("utf-16-le")
    for result in by_id["7:alice"] + by_id["7:bob"]:
        value = result["value"]
        assert utf16[value["start"] * 2 : value["end"] * 2].decode("utf-16-le") == value["text"]
    emoji = next(r for r in by_id["7:alice"] if r["value"]["labels"] == ["speculation"])
    code_points = text.index("privatisation")
    assert emoji["value"]["start"] == code_points  # no astral character before it
    assert emoji["value"]["end"] == code_points + len("privatisation ") + 2  # the emoji is two UTF-16 units


def test_label_studio_export_of_nothing_is_an_empty_list():
    assert json.loads(b"".join(label_studio.write([]))) == []
