"""The pure core of reuse detection: sentences with ranges, normalisation, fingerprints, classification."""

from __future__ import annotations

from articles.importers.markup import to_plain
from articles.sentences import (
    Kind,
    SentenceIndex,
    classify,
    fingerprints,
    mask_markup,
    match_sentences,
    split_paragraphs,
    split_sentences,
)
from articles.text import normalise


def _one(text: str):
    [sentence] = split_sentences(text)
    return sentence


def test_sentences_keep_their_ranges_into_the_paragraph():
    text = "  On Monday the council met.  The mayor said: “cuts.” Mr. Smith left early!\nAnd then it ended"
    sentences = split_sentences(text, paragraph=7)
    assert [text[s.start : s.end] for s in sentences] == [
        "On Monday the council met.",
        "The mayor said: “cuts.”",
        "Mr. Smith left early!",
        "And then it ended",
    ]
    assert all(s.paragraph == 7 and s.text == text[s.start : s.end] for s in sentences)


def test_a_lower_case_word_or_an_initial_does_not_start_a_sentence():
    text = "Talks with J. Kerry went on. e.g. this is not a start. The U.S. Army left."
    assert [s.text for s in split_sentences(text)] == [
        "Talks with J. Kerry went on. e.g. this is not a start.",
        "The U.S. Army left.",
    ]


def test_markdown_link_syntax_is_blanked_in_place():
    text = "By [South Front](https://southfront.org/a.b) today."
    masked = mask_markup(text)
    assert len(masked) == len(text)
    assert masked.split() == ["By", "South", "Front", "today."]
    [sentence] = split_sentences(text)
    assert [text[t.start : t.end] for t in sentence.tokens] == ["By", "South", "Front", "today"]


def test_comparison_folds_every_link_the_importer_reads_as_a_link():
    text = 'Shared by [South Front](<https://southfront.org/a> "the source") today.'
    assert to_plain(text)[0] == "Shared by South Front today."
    assert normalise(text) == normalise("Shared by South Front today.")
    assert mask_markup(text).split() == ["Shared", "by", "South", "Front", "today."]


def test_normalisation_survives_typical_republishing():
    original = _one("The so-called “moderate opposition” was seen near [Aleppo](http://x.org/a).")
    copy = _one('the  so-called "Moderate Opposition"   was seen near Aleppo.')
    match = classify(original, copy)
    assert match.kind == Kind.IDENTICAL
    assert match.score == 1.0


def test_a_small_edit_is_near_identical_with_the_edited_words():
    a = _one("The goal was to encircle troops in Palmyra, cutting off the Homs-Al-Salamiyah-Palmyra highway.")
    b = _one("The goal was to encircle troops in Palmyra, cutting off the Homs-Palmyra highway.")
    match = classify(a, b)
    assert match.kind == Kind.NEAR_IDENTICAL
    [edit] = [e for e in match.edits if e.op != "equal"]
    assert edit.op == "replace"
    assert a.text[edit.a_start : edit.a_end] == "Homs-Al-Salamiyah-Palmyra"
    assert b.text[edit.b_start : edit.b_end] == "Homs-Palmyra"


def test_a_sentence_inside_a_longer_one_is_partial_with_the_matching_range():
    quoted = _one("Rebels seized notable areas northwest of the city, including Jazal.")
    longer = _one(
        "The group used a high number of car bombs during the attack and seized notable areas northwest of "
        "the city, including Jazal, and then withdrew."
    )
    match = classify(quoted, longer)
    assert match.kind == Kind.PARTIAL
    assert match.b_text == "seized notable areas northwest of the city, including Jazal"
    assert match.a_text == "seized notable areas northwest of the city, including Jazal"


def test_a_reworded_sentence_is_not_stored_as_partial():
    # The reviewer's pair from the demo corpus: same opening and ending, a changed claim in between. Too
    # large an edit for near-identical, and no quote of one inside the other.
    threat = _one(
        "Union chair Rasmus Holm said members would stop work on Thursday if the city refused to reopen "
        "talks."
    )
    walkout = _one(
        "Union chair Rasmus Holm said members would stay out until the city agreed to reopen talks."
    )
    assert classify(threat, walkout) is None
    assert classify(walkout, threat) is None


def test_a_sentence_sharing_only_a_run_of_words_with_a_longer_one_is_not_linked():
    earlier = _one("ISIS used a high number of car bombs and infantry fighting vehicles.")
    later = _one(
        "The terrorist group used a high number of car bombs during the attack and seized notable areas "
        "northwest of the city, including Jazal, set a full control over Qasr al-Halabat south of Palmyra."
    )
    assert classify(earlier, later) is None
    assert classify(later, earlier) is None


def test_a_sentence_quoted_inside_a_longer_paragraph_is_partial_with_the_quoted_range():
    quoted = "The lease was approved in full compliance with the law and the budget."
    paragraph = (
        "Dockworkers gathered at Pier 3 on Friday. A spokeswoman for the mayor insisted that the lease was "
        "approved in full compliance with the law and the budget, and that the strike was unlawful."
    )
    [match] = match_sentences(split_paragraphs([(1, quoted)]), split_paragraphs([(2, paragraph)]))
    assert match.kind == Kind.PARTIAL
    assert match.score == 1.0
    assert paragraph[match.b_start : match.b_end] == (
        "the lease was approved in full compliance with the law and the budget"
    )
    assert (
        quoted[match.a_start : match.a_end]
        == "The lease was approved in full compliance with the law and the budget"
    )
    [reverse] = match_sentences(split_paragraphs([(2, paragraph)]), split_paragraphs([(1, quoted)]))
    assert (reverse.kind, reverse.a_text, reverse.b_text) == (Kind.PARTIAL, match.b_text, match.a_text)


def test_a_quote_interrupted_by_a_long_insertion_is_not_partial():
    # Every word is there, in order, but the stretch holding them is no near-identical copy: its range would
    # claim the inserted clause as reused text.
    quoted = _one("The lease was approved in full compliance with the law and the budget.")
    longer = _one(
        "A spokeswoman insisted that the lease was approved after a long and secret negotiation with the "
        "port company in full compliance with the law and the budget, and that the strike was unlawful."
    )
    assert classify(quoted, longer) is None
    slightly_longer = _one(
        "A spokeswoman insisted that the lease was approved quietly in full compliance with the law and the "
        "budget, and that the strike was unlawful."
    )
    match = classify(quoted, slightly_longer)
    assert match.kind == Kind.PARTIAL
    assert match.b_text == "the lease was approved quietly in full compliance with the law and the budget"
    [edit] = [e for e in match.edits if e.op != "equal"]
    assert (edit.op, slightly_longer.text[edit.b_start : edit.b_end]) == ("insert", "quietly")


def test_unrelated_sentences_sharing_common_words_do_not_match():
    a = _one("The attack took place amid the collapse of the opposition forces in the city.")
    b = _one("The council of the city met in the town hall to discuss the budget of the year.")
    assert classify(a, b) is None


def test_sentences_sharing_a_run_of_words_share_a_fingerprint():
    a = _one("Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima.")
    b = _one("Zulu yankee alpha bravo charlie delta echo xray whiskey victor uniform tango.")
    assert fingerprints(a) & fingerprints(b)
    index = SentenceIndex([b])
    assert index.candidates(a) == [b]


def test_short_sentences_are_not_matched():
    a = split_paragraphs([(1, "Read more. Alpha bravo charlie delta.")])
    b = split_paragraphs([(2, "Read more. Alpha bravo charlie delta.")])
    matches = match_sentences(a, b)
    assert [(m.a.text, m.kind) for m in matches] == [("Alpha bravo charlie delta.", Kind.IDENTICAL)]
