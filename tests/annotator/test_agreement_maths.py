"""The agreement maths: hand-computed cases, Krippendorff's (1995) example, and nltk's AnnotationTask as the
reference for the coding measures."""

from __future__ import annotations

import random
from itertools import combinations

import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask

from annotator.agreement import coding, report
from annotator.agreement.report import ALL, Document, build
from annotator.agreement.unitizing import alpha_u, block_sums
from annotator.agreement.units import SpanRecord, merged_units

# Krippendorff (1995: 57), as DKPro Statistics' Krippendorff1995Test lays it out: per category, each analyst's
# units as (offset, length) on a continuum of 24.
EXAMPLE_1995 = {
    "A": [[(2, 8), (14, 6)], [(4, 4), (15, 2)]],
    "B": [[(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]],
    "C": [[(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]],
    "D": [[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]],
}


def _stretched(category: str, stretch: int) -> list[list[tuple[int, int]]]:
    return [[(o * stretch, (o + n) * stretch) for o, n in analyst] for analyst in EXAMPLE_1995[category]]


@pytest.mark.parametrize(
    ("category", "observed"), [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)]
)
def test_observed_disagreement_of_the_1995_example(category, observed):
    block = block_sums(24, _stretched(category, 1))
    # D_o = sum over ordered pairs / (m (m - 1) L^2), m = 2, L = 24
    assert block.observed / (2 * 24 * 24) == pytest.approx(observed, abs=1e-5)


@pytest.mark.parametrize(("category", "expected"), [("A", 0.553), ("B", -0.926), ("C", 0.679), ("D", 0.066)])
def test_alpha_u_reproduces_krippendorff_1995(category, expected):
    # The published values hold for a long continuum (DKPro stretches the 24 positions by 50,000) and DKPro
    # tests them within 0.02: the paper's expected disagreement for C carries a small error it points out.
    assert alpha_u(24 * 50_000, _stretched(category, 50_000)) == pytest.approx(expected, abs=0.02)


def test_alpha_u_hand_computed():
    # Continuum of 10; analyst A marks [0, 4), analyst B [2, 6).
    # Segments A: unit [0,4), gap [4,10); B: gap [0,2), unit [2,6), gap [6,10).
    # Overlapping pairs: only unit/unit counts: (0-2)^2 + (4-6)^2 = 8; both orders: 16.
    # D_o = 16 / (2 * 1 * 10^2) = 0.08.
    # D_e: N_c = 2 units of length 4: each (2-1)(2*64 - 3*16 + 4)/3 = 28, and 4^2 * sum over gaps >= 4
    # (6 -> 3, 4 -> 1) = 16 * 4 = 64; together 2 * (28 + 64) = 184.
    # D_e = (2/10) * 184 / (20 * 19 - (12 + 12)) = 36.8 / 356.
    # alpha_U = 1 - 0.08 * 356 / 36.8 = 8.32 / 36.8 = 0.226087
    assert alpha_u(10, [[(0, 4)], [(2, 6)]]) == pytest.approx(8.32 / 36.8)


def test_alpha_u_is_one_when_the_units_are_the_same():
    assert alpha_u(30, [[(0, 4), (10, 20)], [(0, 4), (10, 20)]]) == pytest.approx(1.0)


def test_overlapping_spans_of_one_analyst_merge_into_one_unit():
    assert merged_units([(2, 6), (0, 4), (8, 9), (9, 12)]) == [(0, 6), (8, 9), (9, 12)]
    assert alpha_u(10, [merged_units([(0, 4), (2, 6)]), [(0, 6)]]) == pytest.approx(1.0)


def test_cohen_hand_computed():
    # 10 tokens: both say yes on 4, both no on 4, they differ on 2.
    # P_o = 0.8; each says yes half the time, so P_e = 0.5 * 0.5 + 0.5 * 0.5 = 0.5; kappa = 0.3 / 0.5 = 0.6.
    assert coding.cohen(np.array([[4.0, 1.0], [1.0, 4.0]])) == pytest.approx(0.6)


def test_cohen_is_undefined_with_one_category():
    assert np.isnan(coding.cohen(np.array([[10.0, 0.0], [0.0, 0.0]])))


def _random_triples(seed: int, coders: int, items: int, categories: int):
    rng = random.Random(seed)
    truth = [rng.randrange(categories) for _ in range(items)]
    return [
        (f"c{c}", i, truth[i] if rng.random() < 0.7 else rng.randrange(categories))
        for c in range(coders)
        for i in range(items)
    ]


def _counts(triples, coders, categories):
    """Our counts from (coder, item, label) triples, every coder on every item, one block."""
    names = sorted({c for c, _, _ in triples})
    items = sorted({i for _, i, _ in triples})
    codes = np.zeros((len(names), len(items)), dtype=np.int64)
    for c, i, k in triples:
        codes[names.index(c), items.index(i)] = k
    pairs = [(p, a, b) for p, (a, b) in enumerate(combinations(range(len(names)), 2))]
    return coding.scheme_sums(codes, np.zeros(len(items), dtype=np.int64), 1, categories, pairs), names


@pytest.mark.parametrize("seed", range(5))
def test_coding_measures_equal_nltk_annotation_task(seed):
    triples = _random_triples(seed, coders=4, items=60, categories=3)
    sums, names = _counts(triples, 4, 3)
    task = AnnotationTask(data=triples)
    for p, (a, b) in enumerate(combinations(names, 2)):
        assert coding.cohen(sums["confusion"][0, p]) == pytest.approx(task.kappa_pairwise(a, b))
    assert coding.fleiss(sums["agreeing"], sums["items"], sums["totals"])[0] == pytest.approx(task.pi())
    assert coding.krippendorff(sums["disagreeing"], sums["totals"])[0] == pytest.approx(task.alpha())


def _document(key, paragraphs, analysts, spans):
    return Document(key, f"Article {key}", paragraphs, analysts, [SpanRecord(*s) for s in spans])


LABELS = [("fact", "Reported fact"), ("claim", "Attributed claim")]


def test_token_figures_of_a_document_hand_computed():
    # Tokens: "one two three four ." = 5 tokens. Ann labels "one two" fact; Bob labels "one" fact.
    # Fact, binary: Ann 1 1 0 0 0, Bob 1 0 0 0 0 -> P_o = 4/5; P_e = (2/5)(1/5) + (3/5)(4/5) = 14/25;
    # kappa = (20/25 - 14/25) / (11/25) = 6/11.
    doc = _document(
        1,
        ["one two three four ."],
        ["ann", "bob"],
        [("ann", "fact", 0, 0, 7), ("bob", "fact", 0, 0, 3)],
    )
    result = build([doc], LABELS)
    article = result.articles[0]
    assert article.figure("fact", "cohen_kappa").value == pytest.approx(6 / 11)
    pair = next(p for p in article.pairs if p.label == "fact")
    assert (pair.first, pair.second, pair.tokens) == ("ann", "bob", 5)
    assert pair.figure.value == pytest.approx(6 / 11)
    # Nobody used claim: undefined, and said so.
    assert article.figure("claim", "krippendorff_alpha").value is None
    assert "No analyst used Attributed claim here: its figures are undefined." in article.diagnostics


def test_two_labels_on_one_token_are_one_label_set_in_the_all_labels_figure():
    # Ann marks "one" as fact and as claim (nested spans); Bob marks it fact only. Per label: fact agrees on
    # every token (kappa 1), claim differs on "one". All labels: Ann's {fact, claim} is not Bob's {fact}.
    doc = _document(
        1,
        ["one two three"],
        ["ann", "bob"],
        [("ann", "fact", 0, 0, 3), ("ann", "claim", 0, 0, 3), ("bob", "fact", 0, 0, 3)],
    )
    article = build([doc], LABELS).articles[0]
    assert article.figure("fact", "cohen_kappa").value == pytest.approx(1.0)
    # All labels: Ann {f,c} {} {}, Bob {f} {} {}: P_o = 2/3, P_e = (1/3)(0) + (0)(1/3) + (2/3)(2/3) = 4/9;
    # kappa = (6/9 - 4/9) / (5/9) = 0.4
    assert article.figure(report.ALL, "cohen_kappa").value == pytest.approx(0.4)


def test_attribution_agreement_on_matching_claims():
    # Two claims marked by both analysts; they name the same source for the first only (case and spacing
    # aside), so each pair agrees on 1 of 2 matched claims.
    text = "The mayor said the port is sold. Critics said it is not."
    doc = _document(
        1,
        [text],
        ["ann", "bob"],
        [
            ("ann", "claim", 0, 0, 32, "The Mayor"),
            ("bob", "claim", 0, 4, 32, "the  mayor"),
            ("ann", "claim", 0, 33, 56, "critics"),
            ("bob", "claim", 0, 33, 56, "unnamed"),
        ],
    )
    article = build([doc], LABELS, claim_label="claim").articles[0]
    assert article.claims == 2
    (pair,) = article.attribution_pairs
    assert (pair.matched, pair.same.value) == (2, 0.5)


def test_intervals_are_seeded_and_hold_the_figure():
    rng = random.Random(3)
    words = ["the", "minister", "said", "the", "lease", "would", "be", "signed", "soon"]
    docs = []
    for key in range(8):
        paragraphs = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(3)]
        spans = []
        for analyst in ("ann", "bob", "cy"):
            for p in range(3):
                start = rng.randrange(0, 20)
                spans.append((analyst, rng.choice(["fact", "claim"]), p, start, start + rng.randrange(3, 15)))
        docs.append(_document(key, paragraphs, ["ann", "bob", "cy"], spans))
    first, second = build(docs, LABELS), build(docs, LABELS)
    for row, again in zip(first.project.rows, second.project.rows, strict=True):
        assert row.figure == again.figure
        if row.figure.low is not None:
            assert row.figure.low <= row.figure.value <= row.figure.high


def test_diagnostics_name_what_makes_a_figure_mean_little():
    doc = _document(1, ["one two three four"], ["ann", "bob"], [("ann", "fact", 0, 0, 3)])
    result = build([doc, _document(2, ["solo text"], ["ann"], [])], LABELS)
    notes = result.project.diagnostics
    assert (
        "Only 1 article read by two analysts or more: the intervals rest on too few articles to mean "
        "much (aim for 5 or more)." in notes
    )
    assert (
        "bob has no spans here: every figure counts their text as unlabelled, so each pair with bob "
        "disagrees wherever the other analyst labelled." in notes
    )
    assert (
        "Only one label is in use (Reported fact): the all-labels figures are that label's figures." in notes
    )
    assert "Only 1 span of Reported fact: too few for its figures to mean much." in notes
    assert result.articles[1].diagnostics == [
        "Agreement needs two analysts on the same text; this article has 1, so there is no figure."
    ]


def test_an_articles_continuum_runs_across_its_paragraphs():
    # Paragraphs "aaaa" and "bbbb" joined by a blank line: a continuum of 4 + 2 + 4 = 10. Ann marks the first
    # paragraph, Bob the second: Ann [0, 4), Bob [6, 10), each the other's unit lying inside their own gap of
    # 6 (Bob's [0, 6) runs on across the blank line).
    # D_o = 2 * (4^2 + 4^2) / (2 * 1 * 10^2) = 0.32
    # D_e = (2/10) * (2 * (2*64 - 3*16 + 4)/3 + 2 * 16 * (3 + 3)) / (20 * 19 - 2 * 12) = 49.6 / 356
    # alpha_U = 1 - 0.32 * 356 / 49.6 = -1.296774
    doc = _document(1, ["aaaa", "bbbb"], ["ann", "bob"], [("ann", "fact", 0, 0, 4), ("bob", "fact", 1, 0, 4)])
    article = build([doc], LABELS).articles[0]
    assert article.figure("fact", "alpha_u").value == pytest.approx(1 - 0.32 * 356 / 49.6)
    assert alpha_u(10, [[(0, 4)], [(6, 10)]]) == pytest.approx(1 - 0.32 * 356 / 49.6)


def test_the_gold_layer_is_not_special_to_the_maths():
    # A reviewer named "gold" is one more analyst: with a gold layer equal to Ann's, Ann and gold agree.
    doc = _document(
        1,
        ["one two three four five six"],
        ["ann", "bob", "gold"],
        [("ann", "fact", 0, 0, 7), ("bob", "fact", 0, 4, 13), ("gold", "fact", 0, 0, 7)],
    )
    pairs = {
        (p.first, p.second): p.figure.value
        for p in build([doc], LABELS).articles[0].pairs
        if p.label == "fact"
    }
    assert pairs[("ann", "gold")] == pytest.approx(1.0)
    assert pairs[("ann", "bob")] == pytest.approx(pairs[("bob", "gold")])


def test_analysts_who_share_no_article_are_named_and_fleiss_is_flagged():
    text = ["one two three four"]
    docs = [
        _document(1, text, ["ann", "bob"], [("ann", "fact", 0, 0, 3), ("bob", "fact", 0, 0, 3)]),
        _document(2, text, ["ann", "bob", "cy"], [("cy", "fact", 0, 0, 3), ("ann", "claim", 0, 4, 7)]),
        _document(3, text, ["bob", "dee"], [("dee", "fact", 0, 0, 3)]),
    ]
    result = build(docs, LABELS)
    notes = result.project.diagnostics
    assert "ann and dee read no article in common: their pair has no figure." in notes
    assert "cy and dee read no article in common: their pair has no figure." in notes
    assert (
        "Articles are read by 2 to 3 analysts: Fleiss' kappa assumes the same number on every text, so read "
        "it with care (Krippendorff's alpha does not assume it)." in notes
    )
    pair = next(p for p in result.project.pairs if (p.first, p.second, p.label) == ("ann", "dee", ALL))
    assert (pair.tokens, pair.figure.value) == (0, None)


def test_an_empty_project_has_no_figures_and_says_why():
    result = build([], LABELS)
    assert result.project.rows == []
    assert result.project.diagnostics == [
        "Agreement needs two analysts on the same text; this project has 0, so there is no figure."
    ]
    (article,) = build([_document(1, [], ["ann", "bob"], [])], LABELS).articles
    assert "This article has 0 paragraphs: its intervals cannot be estimated by resampling paragraphs." in (
        article.diagnostics
    )
