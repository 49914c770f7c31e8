"""Plain text, JSON Lines, inline markup, decoding and format detection: pure functions, no database."""

import datetime
import json

import pytest

from articles.importers import ImportFailed, article_json_lines, decode, detect, parse, plaintext
from articles.importers.article_record import ArticleRecord
from articles.importers.markup import to_plain


def test_markdown_links_become_their_label_and_real_targets_are_kept():
    text, links = to_plain(
        "See [the notice](https://example.org/n?a=1) by [South Front](#) or <mailto:desk@x.org>."
    )
    assert text == "See the notice by South Front or mailto:desk@x.org."
    assert links == [
        {"start": 4, "end": 14, "url": "https://example.org/n?a=1"},
        {"start": 33, "end": 50, "url": "mailto:desk@x.org"},
    ]


def test_relative_and_empty_links_keep_only_their_text():
    assert to_plain('[Home](/index.html "title"), ![](http://x.org/a.png) and [](#)') == ("Home,  and ", [])
    assert to_plain("5 < 6 and [brackets] stay") == ("5 < 6 and [brackets] stay", [])


def test_plain_text_has_a_title_and_blank_line_separated_paragraphs():
    text = "# Harbour vote delayed\r\n\r\nThe board met\r\non Tuesday.\r\n\r\n\r\nIt adjourned at “nine”.  "
    [record] = plaintext.parse(text)
    assert record.title == "Harbour vote delayed"
    assert record.paragraphs == ["The board met on Tuesday.", "It adjourned at “nine”."]
    assert (record.publisher, record.line, record.raw_text) == (None, 1, text)


def test_plain_text_without_paragraphs_is_refused():
    with pytest.raises(ImportFailed) as error:
        plaintext.parse("\n\nOnly a title\n\n")
    assert str(error.value) == "line 3: the text has a title ('Only a title') but no paragraphs after it"


def test_json_lines_read_every_field():
    line = {
        "title": "Vote delayed",
        "paragraphs": ["First [not a link](#).", "Second."],
        "links": [[], [{"start": 0, "end": 6, "url": "https://example.org"}]],
        "publisher": "Harbour Ledger",
        "byline": "Mara Quist",
        "published_on": "2025-03-04",
        "original_source": "Wire",
        "original_published_on": "2025-03-03",
        "url": "https://harbourledger.example/vote",
        "tags": [{"kind": "region", "name": "Northern Coast"}, "City Politics"],
        "language": "en",
    }
    [record] = article_json_lines.parse("\n" + json.dumps(line) + "\n")
    assert record.paragraphs == ["First [not a link](#).", "Second."]
    assert record.links[1] == [{"start": 0, "end": 6, "url": "https://example.org"}]
    assert (record.published_on, record.original_published_on) == (
        datetime.date(2025, 3, 4),
        datetime.date(2025, 3, 3),
    )
    assert record.tags == [("region", "Northern Coast"), ("theme", "City Politics")]
    assert (record.publisher, record.byline, record.original_source, record.line) == (
        "Harbour Ledger",
        "Mara Quist",
        "Wire",
        2,
    )


def test_json_lines_text_is_split_on_blank_lines():
    [record] = article_json_lines.parse(json.dumps({"title": "T", "text": "One\nline.\n\nTwo.\n\n\n"}))
    assert record.paragraphs == ["One line.", "Two."]
    assert (record.publisher, record.tags, record.links) == (None, [], [[], []])


def test_every_bad_json_line_is_reported_with_its_number():
    lines = [
        json.dumps({"title": "Fine", "text": "Body."}),
        '{"title": "Broken", "text": }',
        json.dumps({"title": "", "text": "Body."}),
        json.dumps({"titel": "Typo", "text": "Body."}),
        json.dumps({"title": "Both", "text": "a", "paragraphs": ["b"]}),
        json.dumps({"title": "Date", "text": "a", "published_on": "10/12/2016"}),
        json.dumps({"title": "Tag", "text": "a", "tags": [{"kind": "topic", "name": "x"}]}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "Link", "paragraphs": ["ab"], "links": [[{"start": 0, "end": 9, "url": "x"}]]}),
        json.dumps({"title": "URL", "text": "a", "url": "javascript:alert(1)"}),
        "[" * 100_000 + "]" * 100_000,
    ]
    with pytest.raises(ImportFailed) as error:
        article_json_lines.parse("\n".join(lines))
    assert error.value.errors == [
        "line 2: not valid JSON (Expecting value at column 29)",
        "line 3: 'title' is missing or empty",
        "line 4: unknown field 'titel' (the fields are: title, text, paragraphs, links, publisher, byline, "
        "published_on, original_source, original_published_on, url, tags, language)",
        "line 5: give either 'text' or 'paragraphs', not both",
        "line 6: 'published_on' must be a date written YYYY-MM-DD, not '10/12/2016'",
        "line 7: each tag is a string or {kind, name} with kind one of region, theme, in_depth_report",
        "line 8: expected one JSON object per line, found list",
        "line 9: paragraph 1 has a link that is not {start, end, url} in its text",
        "line 10: 'url' is not an http(s) address: 'javascript:alert(1)'",
        "line 11: not valid JSON (nested too deeply)",
    ]
    assert str(error.value).startswith("10 problems, nothing was imported: line 2: not valid JSON")


def test_dumps_writes_what_parse_reads():
    record = ArticleRecord(
        title="Über “quotes”",
        paragraphs=["Para © one.", "Two"],
        links=[[{"start": 0, "end": 4, "url": "https://x.org"}], []],
        publisher="P",
        published_on=datetime.date(2016, 12, 9),
        tags=[("theme", "Water")],
    )
    line = article_json_lines.dumps(record)
    assert "\n" not in line and "Über “quotes”" in line
    [again] = article_json_lines.parse(line)
    for field in ["title", "paragraphs", "links", "publisher", "published_on", "tags", "byline", "language"]:
        assert getattr(again, field) == getattr(record, field), field


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ('{"title": "x", "text": "y"}', "upload.txt", "jsonl"),
        ("anything", "export.jsonl", "jsonl"),
        ("Title\nBy [South Front](#)\nBody", "a.txt", "seed"),
        ("Title\n\nRegion: [Europe](#)\n\nBody", "a.md", "seed"),
        ("Title\n\nBody paragraph.", "a.txt", "text"),
    ],
)
def test_the_format_is_detected(text, name, expected):
    assert detect(text, name) == expected


def test_a_forced_format_wins_and_an_unknown_one_is_refused():
    assert parse("Title\nBy Staff\nBody.", format="text")[0].paragraphs == ["By Staff Body."]
    with pytest.raises(ImportFailed) as error:
        parse("Title\n\nBody.", format="xml")
    assert str(error.value) == "unknown format 'xml'; choose one of: seed, text, jsonl, json, html"


def test_records_longer_than_the_columns_are_refused_before_the_database():
    with pytest.raises(ImportFailed) as error:
        parse(json.dumps({"title": "x" * 501, "text": "Body.", "publisher": "p" * 201}))
    assert error.value.errors == [
        "line 1: the title is 501 characters long; the limit is 500",
        "line 1: the publisher's name is 201 characters long; the limit is 200",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b" \r\n\n\t", "the file has no text, only blank lines"),
        (
            "Title\n\nCafé".encode("latin-1"),
            "the file is not UTF-8 text: byte 0xE9 at offset 10 (line 3) is not valid UTF-8; "
            "save the file as UTF-8 and import it again",
        ),
        ("Title".encode("utf-16"), "the file is UTF-16 text; save it as UTF-8 and import it again"),
        (b"Title\n\nBody\x00more", "the file contains a NUL byte at offset 11: it looks binary, not text"),
    ],
)
def test_undecodable_input_gets_a_clear_error(data, message):
    with pytest.raises(ImportFailed) as error:
        decode(data)
    assert str(error.value) == message


def test_size_is_checked_before_decoding(settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFailed) as error:
        decode(b"Title\n\nBody text")
    assert str(error.value) == "the file is 16 bytes; the limit is 10 bytes (IMPORT_MAX_BYTES)"


def test_a_byte_order_mark_and_crlf_give_the_same_records():
    plain = "Title “one”\n\nBody ’quoted’.\n\nSecond.".encode()
    variants = [plain, b"\xef\xbb\xbf" + plain, plain.replace(b"\n", b"\r\n"), plain + b"\n"]
    records = [parse(decode(data))[0] for data in variants]
    assert {(r.title, tuple(r.paragraphs)) for r in records} == {
        ("Title “one”", ("Body ’quoted’.", "Second."))
    }
