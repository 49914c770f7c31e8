"""manage.py import_articles: the summary it prints and its exit status."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Paragraph

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path, seed_paths):
    (tmp_path / "nested").mkdir()
    for path in seed_paths:
        (tmp_path / "nested" / path.name).write_bytes(path.read_bytes())
    (tmp_path / "note.md").write_text("A note\n\nIts only paragraph.\n", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    return tmp_path


def test_it_imports_a_folder_recursively_and_prints_the_summary(folder):
    out, err = run(str(folder))
    assert out == "Imported 3 articles from 3 files; skipped 0 duplicates; 0 files failed.\n"
    assert "3/3" in err
    assert (Article.objects.count(), Paragraph.objects.count()) == (3, 34)


def test_a_second_run_skips_duplicates(folder):
    run(str(folder))
    out, _ = run(str(folder / "nested"), str(folder / "note.md"))
    assert out == "Imported 0 articles from 3 files; skipped 3 duplicates; 0 files failed.\n"
    assert Article.objects.count() == 3


def test_a_failed_file_is_named_with_its_reason_and_the_exit_status_is_non_zero(folder):
    bad = folder / "latin1.txt"
    bad.write_bytes("Title\n\nCafé".encode("latin-1"))
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(folder), stdout=out, stderr=StringIO())
    assert str(error.value) == "1 of 4 files failed; see the reasons above."
    assert out.getvalue().splitlines() == [
        "Imported 3 articles from 3 files; skipped 0 duplicates; 1 file failed.",
        f"  {bad}: the file is not UTF-8 text: byte 0xE9 at offset 10 (line 3) is not valid UTF-8; "
        "save the file as UTF-8 and import it again",
    ]
    assert Article.objects.count() == 3


def test_dry_run_stores_nothing(folder):
    out, _ = run(str(folder), "--dry-run")
    assert out == "Would import 3 articles from 3 files; skipped 0 duplicates; 0 files failed.\n"
    assert Article.objects.count() == 0


def test_a_forced_format_applies_to_every_file(folder):
    out, _ = run(str(folder / "nested"), "--format", "text")
    assert out.startswith("Imported 2 articles")
    assert set(Article.objects.values_list("publisher__name", flat=True)) == {"Unknown publisher"}


def test_an_unknown_format_is_refused_before_anything_is_read(folder):
    with pytest.raises(CommandError) as error:
        run(str(folder), "--format", "xml")
    assert str(error.value) == (
        "Error: argument --format: invalid choice: 'xml' "
        "(choose from 'seed', 'text', 'jsonl', 'json', 'html')"
    )
    assert Article.objects.count() == 0


def test_a_missing_path_fails_alone_and_the_others_are_imported(folder):
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "import_articles", str(folder / "missing.txt"), str(folder), stdout=out, stderr=StringIO()
        )
    assert str(error.value) == "1 of 4 files failed; see the reasons above."
    assert out.getvalue().splitlines() == [
        "Imported 3 articles from 3 files; skipped 0 duplicates; 1 file failed.",
        f"  {folder / 'missing.txt'}: no such file or folder",
    ]
    assert Article.objects.count() == 3
