"""The round trip through doccano and Label Studio, its pure parts: the span-by-span comparison
(bench/interop/compare.py) on fixed spans, and how its section goes into BENCHMARKS.md. No tool runs here."""

import pytest

from bench.interop.__main__ import HEADING, splice
from bench.interop.compare import (
    GraphemesUnknown,
    code_point_index,
    compare,
    doccano_lines_differ,
    in_unit,
    kept_without_overlap,
)

TEXT = "Harbour vote 🌊 passed.\n\nThe mayor said the fees would double."
VOTE = {"text": TEXT, "start": 8, "end": 21, "quote": "vote 🌊 passed", "label": "reported_fact"}
FEES = {"text": TEXT, "start": 39, "end": 60, "quote": "the fees would double", "label": "speculation"}
MAYOR = {"text": TEXT, "start": 24, "end": 60, "quote": "The mayor said the fees would double",
         "label": "attributed_claim"}  # fmt: skip


def stored(span: dict, start: int, end: int, **changes) -> dict:
    return {"text": span["text"], "start": start, "end": end, "label": span["label"], **changes}


def test_fixture_offsets_are_what_they_say():
    for span in (VOTE, FEES, MAYOR):
        assert TEXT[span["start"] : span["end"]] == span["quote"]


def test_utf16_offsets_after_an_emoji_count_one_more():
    assert in_unit(TEXT, 21, "utf16") == 22
    assert code_point_index(TEXT, 22, "utf16") == 21
    assert code_point_index(TEXT, 14, "utf16") is None  # between the emoji's two surrogates
    assert code_point_index(TEXT, 13, "utf16") == 13


def test_identical_spans_in_utf16_hold():
    tool = [stored(VOTE, 8, 22), stored(FEES, 40, 61), stored(MAYOR, 25, 61)]
    result = compare([VOTE, FEES, MAYOR], tool, "utf16")
    assert result.holds
    assert (result.identical, result.stored_count) == (3, 3)


def test_code_point_offsets_read_as_utf16_are_reported_with_what_the_page_shows():
    tool = [stored(VOTE, 8, 21), stored(FEES, 39, 60)]
    result = compare([VOTE, FEES], tool, "utf16")
    assert not result.holds
    assert [check.problems for check in result.checks] == [
        ["stored at 8–21 (utf16), which shows 'vote 🌊 passe'"],
        ["stored at 39–60 (utf16), which shows ' the fees would doubl'"],
    ]


def test_a_lost_span_a_foreign_one_and_a_wrong_stored_quote_are_each_reported():
    tool = [stored(VOTE, 8, 21, quote="vote passed"), stored(FEES, 0, 7, label="boilerplate")]
    result = compare([VOTE, FEES], tool, "code points")
    assert [check.problems for check in result.checks] == [["stored the quote 'vote passed'"], ["not stored"]]
    assert [(span["label"], span["shows"]) for span in result.extra] == [("boilerplate", "Harbour")]
    assert result.stored_count == 2 and result.identical == 0


def test_a_text_the_tool_did_not_store_is_counted():
    tool = [{**stored(VOTE, 8, 21), "text": TEXT.replace("\n\n", "\n")}]
    result = compare([VOTE], tool, "code points")
    assert result.missing_texts == 1 and not result.holds


def test_an_exact_pair_is_never_taken_by_a_shifted_span_of_the_same_label():
    wide = {**FEES, "start": 35, "quote": TEXT[35:60]}
    tool = [stored(FEES, 39, 60), stored(FEES, 41, 61)]  # ours at 39–60 exactly, `wide` shifted
    result = compare([wide, FEES], tool, "code points")
    assert [check.identical for check in result.checks] == [False, True]
    assert result.checks[0].problems == ["stored at 41–61 (code points), which shows 'e fees would double.'"]


def test_grapheme_offsets_are_refused_for_a_text_with_joining_characters():
    flag = "Flag 🇫🇷 up"
    assert code_point_index(TEXT, 21, "graphemes") == 21
    with pytest.raises(GraphemesUnknown, match="U\\+1F1EB, U\\+1F1F7"):
        code_point_index(flag, 3, "graphemes")
    with pytest.raises(GraphemesUnknown, match="U\\+0301"):
        code_point_index("Cafe\u0301", 1, "graphemes")


def test_doccano_keeps_the_first_of_overlapping_spans_in_start_order():
    assert kept_without_overlap([FEES, VOTE, MAYOR]) == [VOTE, MAYOR]


def test_doccano_reexport_differences_name_the_lacking_spans():
    ours = [{"text": TEXT, "label": [[8, 21, "reported_fact"], [39, 60, "speculation"]]}]
    assert (
        doccano_lines_differ(
            ours, [{"text": TEXT, "label": [[39, 60, "speculation"], [8, 21, "reported_fact"]]}]
        )
        == []
    )
    assert doccano_lines_differ(ours, [{"text": TEXT, "label": [[39, 60, "speculation"]]}]) == [
        "text 'Harbour vote 🌊 passed.\\n\\n': 1 spans, lacking [(8, 21, 'reported_fact')], adding none"
    ]


def test_the_section_replaces_only_its_own_part_of_benchmarks():
    document = "# Benchmarks\n\n## Import: x\n\nfigures\n\n## Load: y\n\nhand-added lines\n"
    inserted = splice(document, f"{HEADING}\n\nfirst run\n", ["## Load: y"])
    assert inserted == (
        "# Benchmarks\n\n## Import: x\n\nfigures\n\n"
        f"{HEADING}\n\nfirst run\n\n## Load: y\n\nhand-added lines\n"
    )
    replaced = splice(inserted, f"{HEADING}\n\nsecond run\n", ["## Load: y"])
    assert replaced == inserted.replace("first run", "second run")
