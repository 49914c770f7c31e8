"""The passage aligner on small hand-made pairs and on the two seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.importers import parse
from articles.passages import Document, Kind, Passage, align, article_text, paragraph_range, word_edits

COPIED = (
    "The city council voted on Tuesday to close the old bridge over the river for at least two years, "
    "after engineers found that the steel supports had corroded far faster than the inspection reports "
    "of the last decade had predicted."
)
REPORT = (
    "Residents were told to use the ferry or the ring road in the meantime. "
    + COPIED
    + " The mayor said the decision was painful but unavoidable, and promised a public meeting next week."
)


def _texts(passage: Passage, a: str, b: str) -> tuple[str, str]:
    return a[passage.a_start : passage.a_end], b[passage.b_start : passage.b_end]


def test_a_passage_pasted_mid_sentence_is_found_with_its_exact_ranges():
    later = (
        f"In a surprise move that few had expected, {COPIED[0].lower()}{COPIED[1:]} Traffic is already heavy."
    )
    [passage] = align(REPORT, later)
    assert _texts(passage, REPORT, later) == (COPIED, COPIED[0].lower() + COPIED[1:])
    assert passage.kind == Kind.VERBATIM
    assert passage.similarity == 1.0


def test_re_flowed_lines_do_not_matter():
    wrapped = REPORT.replace(" the ", "\nthe ").replace(", ", ",\n")
    [passage] = align(REPORT, wrapped)
    assert (passage.a_start, passage.a_end) == (0, len(REPORT))
    assert (passage.b_start, passage.b_end) == (0, len(wrapped))
    assert passage.kind == Kind.VERBATIM


def test_a_verbatim_copy_across_a_paragraph_boundary_is_one_passage():
    first, second = REPORT.split(" The mayor")
    earlier = f"{first}\n\nThe mayor{second}"
    later = f"Local news in brief.\n\n{first}\n\nThe mayor{second}\n\nWeather: rain all week."
    [passage] = align(earlier, later)
    assert _texts(passage, earlier, later) == (earlier, earlier)
    assert passage.kind == Kind.VERBATIM


def test_reordered_sentences_are_still_one_passage():
    sentences = [
        "The regional hospital opened a new wing for children with heart conditions on Monday morning.",
        "It has forty beds, two operating theatres and a playroom paid for by a local charity.",
        "Doctors said families had until now travelled three hours to the capital for the same care.",
        "The health minister attended the opening and thanked the nurses who planned the new wards.",
    ]
    earlier = " ".join(sentences)
    later = " ".join([sentences[2], sentences[0], sentences[3], sentences[1]])
    [passage] = align(earlier, later)
    assert (passage.a_start, passage.a_end) == (0, len(earlier))
    assert (passage.b_start, passage.b_end) == (0, len(later))
    assert passage.kind != Kind.VERBATIM


def test_a_six_word_coincidence_never_links():
    # Six words in a row ("Stratford upon Avon in south Warwickshire") and a navigation line in common.
    earlier = (
        "Jump to: navigation, search. Flooding closed the main road through Stratford upon Avon in south "
        "Warwickshire on Sunday, and the fire service rescued two drivers whose cars were caught by the "
        "rising water."
    )
    later = (
        "Jump to: navigation, search. A new exhibition about the playwright opens this spring at a museum in "
        "Stratford upon Avon in south Warwickshire, with letters and costumes lent by collectors from abroad."
    )
    assert align(earlier, later) == []


def test_an_edited_passage_is_classed_edited_with_its_similarity():
    edited = COPIED.replace("on Tuesday", "late on Tuesday").replace("the last decade", "recent years")
    [passage] = align(REPORT, f"Breaking news. {edited}")
    assert _texts(passage, REPORT, f"Breaking news. {edited}") == (COPIED, edited)
    assert passage.kind == Kind.EDITED
    assert 0.8 < passage.similarity < 1


def test_the_word_edits_of_an_edited_passage_name_the_changed_words():
    later = COPIED.replace("on Tuesday", "late on Tuesday").replace("corroded", "rusted")
    [passage] = align(REPORT, later)
    changed = [
        (e.op, REPORT[e.a_start : e.a_end], later[e.b_start : e.b_end])
        for e in word_edits(REPORT, later, passage)
        if e.op != "equal"
    ]
    assert changed == [("insert", "", "late"), ("replace", "corroded", "rusted")]


def test_an_article_level_range_maps_to_paragraphs_and_offsets():
    paragraphs = ["First one.", "Second paragraph here.", "Third."]
    text = article_text(paragraphs)
    start, end = text.index("paragraph"), text.index("Third") + 3
    assert paragraph_range(paragraphs, start, end) == (1, 7, 2, 3)
    # A range that starts or ends in the blank line between paragraphs keeps to the paragraphs' text.
    assert paragraph_range(paragraphs, text.index("Second") - 1, text.index("Third") - 1) == (1, 0, 1, 22)


def test_unrelated_texts_share_no_passage():
    other = (
        "The football club announced a new coach after a season of disappointing results, and supporters "
        "gathered outside the stadium to welcome him on Friday evening."
    )
    assert align(REPORT, other) == []


def test_a_prepared_document_gives_the_same_passages_as_its_text():
    later = f"Breaking news. {COPIED}"
    assert align(Document(REPORT), Document(later)) == align(REPORT, later)


@pytest.fixture
def seed_texts(seed_paths: list[Path]) -> tuple[str, str]:
    """The two seeds' bodies as the product stores them: paragraphs joined by blank lines."""
    first, second = ("\n\n".join(parse(path.read_text()).pop().paragraphs) for path in seed_paths)
    return first, second


@pytest.mark.shared
def test_the_seeds_share_one_edited_passage_that_holds_the_highway_sentence(seed_texts):
    first, second = seed_texts
    passages = align(first, second)
    [story] = [p for p in passages if p.b_start < second.index("The terrorist group claim")]
    earlier, later = _texts(story, first, second)
    assert earlier.startswith("On December 8 ISIS terrorists launched multiple offensives")
    assert later.startswith("December 8 morning ISIS terrorists launched multiple offensives")
    assert earlier.endswith("the Russian Aerospace Forces have intensified air raids in the area.")
    assert later.endswith("the Russian Aerospace Force have intensified air raids in the area.")
    assert "cutting off the Homs-Al-Salamiyah-Palmyra highway." in earlier
    assert "cutting off the Homs-Palmyra highway." in later
    assert story.kind == Kind.EDITED
    assert 0.6 <= story.similarity < 1


@pytest.mark.shared
def test_the_paragraphs_added_by_the_second_seed_are_unlinked(seed_texts):
    first, second = seed_texts
    added = second[second.index("The terrorist group claim") : second.index("The original source of this")]
    start = second.index(added)
    for passage in align(first, second):
        assert passage.b_end <= start or passage.b_start >= start + len(added)


def test_index_keys_survive_edits_that_break_every_word_run():
    # Function words swapped and inflections changed nearly everywhere: content-word stems stay in order.
    edited = (
        "A city councils votes in Tuesday for closing an old bridges across a river during at least two "
        "years, once engineer finds those steels support corrodes much faster than an inspecting report "
        "from the last decades predicts."
    )
    shared = Document(COPIED).index_keys & Document(edited).index_keys
    assert len(shared) >= 3
    unrelated = "The football club announced a new coach after a season of disappointing results."
    assert not Document(COPIED).index_keys & Document(unrelated).index_keys
