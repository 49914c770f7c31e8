import json

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def tagged(article, analyst, colleague, annotate):
    annotate(article.paragraphs.get(position=0), "On Monday", reviewer=analyst)
    annotate(article.paragraphs.get(position=1), "mayor", label="attributed_claim", reviewer=colleague)


def test_it_writes_the_file_with_the_filters_and_says_how_many(tmp_path, tagged, capsys):
    path = tmp_path / "spans.jsonl"
    call_command("export_spans", "--format", "jsonl", "--reviewer", "bob", "--output", str(path))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(line["quote"], line["reviewer"]) for line in lines] == [("mayor", "bob")]
    captured = capsys.readouterr()
    assert captured.out == f"Wrote 1 spans as jsonl to {path}.\n"
    assert "1/1" in captured.err  # the progress bar


def test_w3c_ids_use_the_given_base(tmp_path, tagged):
    path = tmp_path / "spans.jsonld"
    call_command("export_spans", "--format", "w3c", "--output", str(path),
                 "--annotation-base", "https://provenance.example/api/v1/annotations/")  # fmt: skip
    first = json.loads(path.read_text().splitlines()[0])
    assert first["id"].startswith("https://provenance.example/api/v1/annotations/")


def test_unknown_filter_values_stop_the_command_before_writing(tmp_path, tagged):
    path = tmp_path / "spans.csv"
    with pytest.raises(CommandError, match="--label: Unknown label 'rumour'."):
        call_command("export_spans", "--format", "csv", "--label", "rumour", "--output", str(path))
    assert not path.exists()


def test_an_unknown_format_is_refused_naming_the_choices(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        call_command("export_spans", "--format", "xml", "--output", str(tmp_path / "x"))
