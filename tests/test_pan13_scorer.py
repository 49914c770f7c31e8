"""PAN's text-alignment measures in bench/pan13.py, on hand-made cases and on the pan13-dev sample."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import pan13
from bench.pan13 import Alignment, Pair

CASE = Alignment(100, 200, 1000, 1100)


def _scores(*detections: Alignment, cases: tuple[Alignment, ...] = (CASE,)) -> pan13.Scores:
    return pan13.score([Pair("02-no-obfuscation", "susp", "src", list(cases), list(detections))])


def test_an_exact_detection_scores_one():
    scores = _scores(CASE)
    assert (scores.precision, scores.recall, scores.granularity, scores.plagdet) == (1, 1, 1, 1)


def test_a_detection_twice_too_long_has_half_the_precision():
    scores = _scores(Alignment(100, 300, 1000, 1200))
    assert (scores.precision, scores.recall) == (0.5, 1)


def test_a_case_found_in_two_halves_has_granularity_two():
    scores = _scores(Alignment(100, 150, 1000, 1050), Alignment(150, 200, 1050, 1100))
    assert (scores.recall, scores.granularity) == (1, 2)
    assert scores.plagdet == pytest.approx(1 / math.log2(3))


def test_a_detection_overlapping_one_document_only_detects_nothing():
    scores = _scores(Alignment(100, 200, 5000, 5100))
    assert (scores.precision, scores.recall, scores.plagdet) == (0, 0, 0)


def test_negative_pairs_count_their_false_links():
    negative = Pair("01-no-plagiarism", "susp", "src", [], [CASE])
    clean = Pair("01-no-plagiarism", "susp2", "src2", [], [])
    assert pan13.false_link_rate([negative, clean]) == (1, 2)


@pytest.mark.shared
def test_the_sample_has_its_pairs_and_gold_cases(shared_dir: Path, monkeypatch):
    monkeypatch.setattr(pan13, "CORPUS", shared_dir / "corpus" / "pan13-dev")
    pairs = pan13.read_pairs()
    assert len(pairs) == 750
    assert sum(len(p.cases) for p in pairs) == 650
    verbatim = next(
        p for p in pairs if p.susp == "suspicious-document00006.txt" and p.src.endswith("01662.txt")
    )
    [case] = verbatim.cases
    assert verbatim.susp_text[case.susp_start : case.susp_end].split() == (
        verbatim.src_text[case.src_start : case.src_end].split()
    )


def _figures(plagdet: float, granularity: float = 1.0, false_links: int = 0) -> dict:
    one = {"plagdet": plagdet, "granularity": granularity, "false_links": false_links, "negatives": 270}
    return {"all": one, "types": {folder: one for folder in pan13.FOLDERS}}


def test_the_section_states_each_target_met_or_missed_with_the_baseline_beside_it():
    from bench.bench_pan13 import verdicts

    line = verdicts(_figures(0.96, granularity=1.2, false_links=3), _figures(0.5))
    assert line.startswith("Against the targets, stored links (word-5-gram baseline, same run): ")
    assert "plagdet overall 0.960 (0.500), target ≥ 0.80: met" in line
    assert "plagdet verbatim 0.960 (0.500), target ≥ 0.95: met" in line
    assert "granularity overall 1.200 (1.000), target ≤ 1.10: missed" in line
    assert "negative pairs falsely linked 3 / 270 = 1.1% (0 / 270), target ≤ 1%: missed" in line
    assert "target ≥ 0.95: missed" in verdicts(_figures(0.9), _figures(0.5))
