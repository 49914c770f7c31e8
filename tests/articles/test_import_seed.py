"""The seeds' format, parsed without the database."""

import datetime

import pytest

from articles.importers import ImportFailed, decode, detect, parse, seed

TAGS_1 = [
    ("region", "Middle East & North Africa"),
    ("theme", "Terrorism"),
    ("theme", "US NATO War Agenda"),
    ("in_depth_report", "SYRIA"),
]
TAGS_2 = [
    ("region", "Middle East & North Africa"),
    ("theme", "US NATO War Agenda"),
    ("in_depth_report", "SYRIA"),
]
FOOTER_1 = [
    "The original source of this article is South Front",
    "Copyright © South Front, South Front, 2016",
    "Comment on Global Research Articles on our Facebook page",
    "Become a Member of Global Research",
    "Articles by: South Front",
]
MEDIA = "For media inquiries: publications@globalresearch.ca"


def read(path) -> str:
    return decode(path.read_bytes())


@pytest.fixture
def seeds(seed_paths):
    return [parse(read(path))[0] for path in seed_paths]


def test_both_seeds_are_detected_as_the_seed_format(seed_paths):
    assert [detect(read(path), path.name) for path in seed_paths] == ["seed", "seed"]


def test_the_short_repost_has_its_exact_metadata(seeds):
    first = seeds[0]
    assert first.title == (
        "ISIS-Daesh “Accidentally” Launches Large-Scale Offensive in Palmyra Amid US-Russian Talks on Aleppo"
    )
    assert first.byline == "South Front"
    assert (first.publisher, first.published_on) == ("Global Research", datetime.date(2016, 12, 9))
    assert (first.original_source, first.original_published_on) == ("South Front", datetime.date(2016, 12, 9))
    assert first.tags == TAGS_1
    assert (first.language, first.url, first.line) == ("en", None, 3)


def test_the_long_repost_has_its_exact_metadata(seeds):
    second = seeds[1]
    assert second.title == "Breaking: ISIS Terrorists Advancing on Palmyra amid Ceasefire in Aleppo"
    assert second.byline == "South Front"
    assert (second.publisher, second.published_on) == ("Global Research", datetime.date(2016, 12, 10))
    assert (second.original_source, second.original_published_on) == (
        "South Front",
        datetime.date(2016, 12, 9),
    )
    assert second.tags == TAGS_2


def test_the_short_repost_has_body_first_and_boilerplate_last(seeds):
    paragraphs = seeds[0].paragraphs
    assert len(paragraphs) == 16
    assert paragraphs[0] == (
        "On December 8 ISIS terrorists launched multiple offensives against Syrian government forces "
        "near Palmyra."
    )
    assert (
        paragraphs[7] == "Is there a coordination between ISIS, “moderate rebels” and their Western backers?"
    )
    assert paragraphs[8:13] == FOOTER_1
    assert paragraphs[13].startswith(
        "not be responsible for any inaccurate or incorrect statement in this article."
    )
    assert paragraphs[14].startswith("www.globalresearch.ca contains copyrighted material")
    assert paragraphs[-1] == MEDIA


def test_the_long_repost_keeps_consecutive_footer_lines_as_two_paragraphs(seeds):
    paragraphs = seeds[1].paragraphs
    assert len(paragraphs) == 17
    assert paragraphs[0] == (
        "December 8 morning ISIS terrorists launched multiple offensives against Syrian government "
        "forces near Palmyra. The terrorist group used a high number of car bombs during the attack and "
        "seized notable areas northwest of the city, including Jazal, set a full control over Qasr "
        "al-Halabat south of Palmyra. The ISIS attack in the area of Arak did not result in gains. The "
        "tactical goal of the ISIS operation was to encircle Syrian troops in Palmyra, cutting off the "
        "Homs-Palmyra highway."
    )
    assert paragraphs[9:14] == FOOTER_1
    assert paragraphs[14].startswith("Disclaimer: The contents of this article are of sole responsibility")
    assert paragraphs[15].startswith("www.globalresearch.ca contains copyrighted material")
    assert paragraphs[-1] == MEDIA


def test_autolinks_become_their_url_and_are_kept_as_links(seeds):
    paragraph, links = seeds[1].paragraphs[8], seeds[1].links[8]
    assert paragraph == (
        "If you’re able, and if you like our content and approach, please support the project. Our "
        "work wouldn’t be possible without your help: PayPal: southfront@list.ru or via: "
        "http://southfront.org/donate/ or via: https://www.patreon.com/southfront"
    )
    assert links == [
        {"start": 170, "end": 199, "url": "http://southfront.org/donate/"},
        {"start": 208, "end": 242, "url": "https://www.patreon.com/southfront"},
    ]
    assert [paragraph[link["start"] : link["end"]] for link in links] == [link["url"] for link in links]
    assert sum(map(len, seeds[0].links)) == 0


def test_line_endings_and_a_byte_order_mark_do_not_change_the_paragraphs(seed_paths):
    data = seed_paths[1].read_bytes()
    variants = [
        data,
        data.replace(b"\n", b"\r\n"),
        b"\xef\xbb\xbf" + data,
        data.rstrip(b"\n"),
        data + b"\n\n",
    ]
    parsed = [parse(decode(variant))[0] for variant in variants]
    assert all(record.paragraphs == parsed[0].paragraphs for record in parsed)
    assert all(record.title == parsed[0].title and record.tags == parsed[0].tags for record in parsed)


HEADERLESS_BYLINE = """Harbour vote delayed
By the time the council met, the vote was already off the agenda.
Harbour Ledger, March 4, 2025
"""


def test_a_sentence_starting_with_by_is_body_not_a_byline():
    assert not seed.looks_like(HEADERLESS_BYLINE)
    assert detect(HEADERLESS_BYLINE) == "text"


def test_header_lines_are_optional_and_tags_may_be_plain_text():
    [record] = seed.parse(
        "Title\n\nGlobal Research, Dec 9, 2016\nTheme: Water, Energy\n\nBody line.\nSecond line.\n"
    )
    assert (record.byline, record.publisher, record.published_on) == (
        "",
        "Global Research",
        datetime.date(2016, 12, 9),
    )
    assert record.tags == [("theme", "Water"), ("theme", "Energy")]
    assert record.paragraphs == ["Body line.", "Second line."]
    assert record.original_source is None


def test_the_footer_names_the_original_source_when_the_header_does_not():
    [record] = seed.parse(
        "Title\nBy Staff\n\nBody.\nThe original source of this article is [Harbour Ledger](#)\n"
    )
    assert record.original_source == "Harbour Ledger"
    assert record.original_published_on is None


def test_an_impossible_date_is_an_error_with_its_line_number():
    with pytest.raises(ImportFailed) as error:
        seed.parse("\nTitle\nBy Staff\nGlobal Research, February 30, 2016\n\nBody.\n")
    assert str(error.value) == "line 4: 'Global Research, February 30, 2016' does not hold a valid date"


def test_a_header_without_a_body_is_an_error():
    with pytest.raises(ImportFailed) as error:
        seed.parse("\n\nTitle\nBy Staff\nRegion: [Europe](#)\n")
    assert str(error.value) == "line 3: the article 'Title' has no text after its header"
