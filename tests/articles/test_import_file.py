"""Importing files into the database: what is stored, duplicates, and bad files that store nothing."""

import datetime
import gc
import json

import pytest

from articles import importers
from articles.importers import store
from articles.models import Article, Paragraph, Source, Tag

pytestmark = pytest.mark.django_db

GOOD_TEXT = b"Harbour vote delayed\n\nThe board met on Tuesday.\n\nIt adjourned at nine."


def counts() -> tuple[int, int, int, int]:
    return Article.objects.count(), Paragraph.objects.count(), Source.objects.count(), Tag.objects.count()


def test_both_seeds_are_stored_with_their_metadata_and_paragraphs(seed_paths, analyst):
    reports = [importers.import_file(path, imported_by=analyst) for path in seed_paths]
    assert [(len(r.articles), r.duplicates, r.error) for r in reports] == [(1, 0, None), (1, 0, None)]
    second = Article.objects.get(title__startswith="Breaking:")
    assert (second.publisher.name, second.publisher.slug) == ("Global Research", "global-research")
    assert (second.original_source.name, second.original_source.slug) == ("South Front", "south-front")
    assert (second.published_on, second.original_published_on) == (
        datetime.date(2016, 12, 10),
        datetime.date(2016, 12, 9),
    )
    assert (second.byline, second.language, second.imported_by) == ("South Front", "en", analyst)
    assert second.raw_text == seed_paths[1].read_text(encoding="utf-8")
    assert second.checksum == Article.checksum_of(
        [second.title, *second.paragraphs.values_list("text", flat=True)]
    )
    assert sorted(second.tags.values_list("kind", "name")) == [
        ("in_depth_report", "SYRIA"),
        ("region", "Middle East & North Africa"),
        ("theme", "US NATO War Agenda"),
    ]
    paragraphs = list(second.paragraphs.order_by("position"))
    assert [p.position for p in paragraphs] == list(range(17))
    assert paragraphs[8].links[0] == {"start": 170, "end": 199, "url": "http://southfront.org/donate/"}
    assert paragraphs[-1].text == "For media inquiries: publications@globalresearch.ca"
    assert counts() == (2, 33, 2, 4)


def test_importing_the_seeds_again_skips_them_as_duplicates(seed_paths):
    list(importers.import_files(seed_paths))
    before = counts()
    reports = list(importers.import_files(seed_paths))
    assert [(r.articles, r.duplicates, r.error) for r in reports] == [([], 1, None), ([], 1, None)]
    assert counts() == before


def test_the_same_text_with_other_line_endings_is_a_duplicate(seed_paths):
    importers.import_file(seed_paths[0])
    data = seed_paths[0].read_bytes()
    report = importers.import_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"), name="crlf.txt")
    assert (report.articles, report.duplicates) == ([], 1)


def test_a_soft_deleted_article_still_counts_as_imported(seed_paths):
    importers.import_file(seed_paths[0])
    Article.objects.update(deleted_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    assert importers.import_file(seed_paths[0]).duplicates == 1


def test_an_article_without_publisher_goes_to_unknown_publisher():
    report = importers.import_bytes(GOOD_TEXT, name="note.txt")
    article = report.articles[0]
    assert (article.publisher.name, article.publisher.slug) == ("Unknown publisher", "unknown-publisher")
    assert list(article.paragraphs.values_list("text", flat=True)) == [
        "The board met on Tuesday.",
        "It adjourned at nine.",
    ]


def test_sources_are_found_by_slug_and_keep_their_first_name():
    importers.import_bytes(
        json.dumps({"title": "A", "text": "One.", "publisher": "Harbour Ledger"}).encode(), name="a.jsonl"
    )
    importers.import_bytes(
        json.dumps({"title": "B", "text": "Two.", "publisher": "harbour  ledger"}).encode(), name="b.jsonl"
    )
    assert list(Source.objects.values_list("name", "slug")) == [("Harbour Ledger", "harbour-ledger")]
    assert Article.objects.filter(publisher__slug="harbour-ledger").count() == 2


def test_a_json_lines_file_imports_every_line_and_skips_repeats_within_it():
    lines = [
        {"title": "One", "paragraphs": ["First."], "tags": ["Water"]},
        {"title": "Two", "text": "Second.", "tags": ["Water", {"kind": "region", "name": "North"}]},
        {"title": "One", "paragraphs": ["First."]},
    ]
    report = importers.import_bytes("\n".join(map(json.dumps, lines)).encode(), name="batch.jsonl")
    assert ([a.title for a in report.articles], report.duplicates) == (["One", "Two"], 1)
    assert sorted(Tag.objects.values_list("kind", "name")) == [("region", "North"), ("theme", "Water")]
    assert Article.objects.get(title="Two").tags.count() == 2


BAD_INPUTS = [
    (
        "latin1.txt",
        "Title\n\nCafé".encode("latin-1"),
        "the file is not UTF-8 text: byte 0xE9 at offset 10 (line 3)",
    ),
    ("empty.txt", b"", "the file is empty"),
    (
        "bad.jsonl",
        b'{"title": "Good", "text": "Fine."}\n{"title": "Bad"}\n',
        "line 2: 'text' or 'paragraphs' is missing",
    ),
    (
        "header.txt",
        b"Title\nBy Staff\nRegion: [Europe](#)\n",
        "line 1: the article 'Title' has no text after its header",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS)
def test_a_bad_file_stores_nothing_and_says_why(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    report = importers.import_file(path)
    assert report.error.startswith(message)
    assert (report.articles, report.duplicates) == ([], 0)
    assert counts() == (0, 0, 0, 0)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 20
    path = tmp_path / "big.txt"
    path.write_bytes(GOOD_TEXT)
    message = "the file is 70 bytes; the limit is 20 bytes (IMPORT_MAX_BYTES)"
    assert importers.import_file(path).error == message
    assert importers.import_bytes(GOOD_TEXT, name="big.txt").error == message
    assert counts() == (0, 0, 0, 0)


def test_an_unknown_format_is_refused():
    report = importers.import_bytes(GOOD_TEXT, name="a.txt", format="xml")
    assert report.error == "unknown format 'xml'; choose one of: seed, text, jsonl, json, html"
    assert counts() == (0, 0, 0, 0)


def test_bad_files_do_not_stop_the_good_ones(tmp_path):
    (tmp_path / "a.txt").write_bytes(GOOD_TEXT)
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "c.txt").write_bytes(b"Second note\n\nAnother body.")
    reports = list(importers.import_files(sorted(tmp_path.iterdir())))
    assert [(len(r.articles), r.error is None) for r in reports] == [(1, True), (0, False), (1, True)]
    assert Article.objects.count() == 2


def test_when_the_database_refuses_one_file_the_others_of_its_batch_are_stored(tmp_path, monkeypatch):
    """A concurrent import can store the same text between our duplicate check and our insert."""
    (tmp_path / "a.txt").write_bytes(GOOD_TEXT)
    (tmp_path / "b.txt").write_bytes(b"Second note\n\nAnother body.")
    importers.import_file(tmp_path / "a.txt")
    monkeypatch.setattr(store, "existing_checksums", lambda checksums: set())
    reports = list(importers.import_files(sorted(tmp_path.iterdir())))
    assert reports[0].error.startswith("the database refused the file: ")
    assert ([a.title for a in reports[1].articles], reports[1].error) == (["Second note"], None)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Harbour vote delayed", "Second note"]
    assert Paragraph.objects.count() == 3


def test_a_dry_run_checks_everything_and_stores_nothing(seed_paths):
    reports = list(importers.import_files(seed_paths, dry_run=True))
    assert [(len(r.articles), r.error) for r in reports] == [(1, None), (1, None)]
    assert counts() == (0, 0, 0, 0)


def test_save_article_stores_one_record_once():
    record = importers.parse(GOOD_TEXT.decode())[0]
    article = importers.save_article(record)
    assert article.paragraphs.count() == 2
    assert importers.save_article(record) is None
    assert Article.objects.count() == 1


def test_find_files_walks_folders_for_importable_files(tmp_path):
    (tmp_path / "sub" / ".hidden").mkdir(parents=True)
    for name in [
        "a.txt",
        "sub/b.jsonl",
        "sub/c.JSON",
        "sub/d.md",
        "sub/e.csv",
        "sub/.hidden/f.txt",
        ".g.txt",
    ]:
        (tmp_path / name).write_text("x")
    found = importers.find_files([tmp_path, tmp_path / "sub" / "e.csv"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.txt",
        "sub/b.jsonl",
        "sub/c.JSON",
        "sub/d.md",
        "sub/e.csv",
    ]
    assert importers.find_files([tmp_path / "missing"]) == [tmp_path / "missing"]


def test_the_cycle_collector_is_on_again_after_an_import_even_an_abandoned_one(tmp_path):
    for name in ["a.txt", "b.txt"]:
        (tmp_path / name).write_bytes(GOOD_TEXT + name.encode())
    list(importers.import_files(sorted(tmp_path.iterdir())))
    assert gc.isenabled()
    reports = importers.import_files(sorted(tmp_path.iterdir()))
    next(reports)
    assert not gc.isenabled()
    reports.close()
    assert gc.isenabled()
