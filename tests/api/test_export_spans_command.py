import io
import json
import os
import stat

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


def test_a_missing_folder_is_a_clear_error(tmp_path, tagged):
    target = tmp_path / "nowhere" / "x"
    with pytest.raises(CommandError) as error:
        call_command("export_spans", "--format", "jsonl", "--output", str(target))
    assert str(error.value) == f"Cannot write to {target}: the folder {target.parent} does not exist."
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_output_is_a_clear_error(tmp_path, tagged):
    with pytest.raises(CommandError) as error:
        call_command("export_spans", "--format", "jsonl", "--output", str(tmp_path))
    assert str(error.value) == (
        f"Cannot write to {tmp_path}: it is a folder. Give a file name, e.g. {tmp_path / 'spans'}."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_no_partial_file_and_keeps_the_old_one(tmp_path, tagged, monkeypatch):
    path = tmp_path / "spans.jsonl"
    path.write_text("earlier export\n")

    def fail_midway(chunks):
        yield next(iter(chunks))
        raise RuntimeError("database went away")

    monkeypatch.setattr("annotator.formats.buffered", fail_midway)
    with pytest.raises(RuntimeError, match="database went away"):
        call_command("export_spans", "--format", "jsonl", "--output", str(path))
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_text() == "earlier export\n"


def test_a_successful_export_replaces_the_file_in_one_step_with_its_mode(tmp_path, tagged):
    path = tmp_path / "spans.csv"
    path.write_text("earlier export\n")
    path.chmod(0o640)
    call_command("export_spans", "--format", "csv", "--output", str(path))
    assert path.read_text().splitlines()[0].startswith("id,")
    assert len(path.read_text().splitlines()) == 3
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    assert list(tmp_path.iterdir()) == [path]


def test_a_new_export_file_gets_the_usual_mode(tmp_path, tagged):
    path = tmp_path / "spans.jsonl"
    umask = os.umask(0o022)
    try:
        call_command("export_spans", "--output", str(path))
    finally:
        os.umask(umask)
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_through_a_symbolic_link_the_linked_file_gets_the_export(tmp_path, tagged):
    (tmp_path / "exports").mkdir()
    real = tmp_path / "exports" / "2025-03.jsonl"
    real.write_text("old\n")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(real)
    call_command("export_spans", "--output", str(link), stdout=io.StringIO(), stderr=io.StringIO())
    assert link.is_symlink()
    assert [json.loads(line)["quote"] for line in real.read_text().splitlines()] == ["On Monday", "mayor"]


def test_a_pipe_is_refused_and_left_alone(tmp_path, tagged):
    pipe = tmp_path / "spans.fifo"
    os.mkfifo(pipe)
    with pytest.raises(CommandError) as error:
        call_command("export_spans", "--output", str(pipe), stdout=io.StringIO(), stderr=io.StringIO())
    assert str(error.value) == (
        f"Cannot write to {pipe}: it is not a regular file (a pipe or a device). "
        "Use --output - and redirect the output instead."
    )
    assert stat.S_ISFIFO(pipe.stat().st_mode)
