"""Cohen's kappa per analyst pair, Fleiss' kappa and Krippendorff's alpha over tokens (nominal).

The formulas are those of nltk's `nltk.metrics.agreement.AnnotationTask` (Artstein and Poesio's notation):
`kappa_pairwise` for Cohen's kappa, `pi` (multi-pi, which is Fleiss' 1971 kappa) and `alpha` with the binary
distance. The tests hold every figure here equal to AnnotationTask's on hand-made and random data. The figures
are computed here, from counts, because AnnotationTask recomputes from its (coder, item, label) triples on
every call: on the benchmark's project (6 analysts, 50 articles, 180,000 triples per label) one label's `pi`
took 2.4 s and `kappa` 4.2 s of CPU, and a bootstrap interval needs each figure a thousand times over. Counts
add up over blocks (paragraphs, articles), so a resample is a weighted sum of per-block counts.

Per block and per coding scheme (one label's binary coding, or all labels as label sets), with K categories:

- `confusion[p, k, l]`: tokens that analyst pair p coded k (first analyst) and l (second), if both read them;
- `agreeing`: sum over tokens of sum_k n_k (n_k - 1) / (m (m - 1)), m the analysts reading the block;
- `items`: tokens read by two analysts or more; `totals[k]`: their values of category k;
- `disagreeing`: sum over those tokens of (m^2 - sum_k n_k^2) / (m - 1), Krippendorff's coincidences off the
  diagonal.

Cohen's kappa (per pair) = (P_o - P_e) / (1 - P_e) with P_o the pair's share of equal codes and P_e = sum_k
p_k(first) p_k(second). Fleiss' kappa = (mean agreeing - sum_k p_k^2) / (1 - sum_k p_k^2), p_k the share of
category k among all values; it assumes the same number of analysts on every token (a diagnostic says when
they differ). Krippendorff's alpha = 1 - (n - 1) disagreeing / sum_{k != l} n_k n_l, n the values counted.
A figure whose chance agreement is 1 (one category only) is undefined (NaN), where AnnotationTask would return
1 or raise: agreement on a text nobody labelled says nothing.
"""

from __future__ import annotations

import numpy as np


def scheme_sums(codes: np.ndarray, block_of_token: np.ndarray, blocks: int, k: int, pairs: list) -> dict:
    """Return one scheme's per-block counts for one document.

    `codes` is (analysts of the document, tokens) of category indices in [0, k); `block_of_token` gives each
    token's block; `pairs` lists (pair index, row a, row b) for the document's analyst pairs.
    """
    m, tokens = codes.shape
    pair_total = max((p for p, _, _ in pairs), default=-1) + 1
    confusion = np.zeros((blocks, pair_total, k, k))
    for p, a, b in pairs:
        flat = np.bincount(block_of_token * k * k + codes[a] * k + codes[b], minlength=blocks * k * k)
        confusion[:, p] = flat.reshape(blocks, k, k)
    out = {"confusion": confusion}
    if m < 2 or tokens == 0:
        out.update(
            agreeing=np.zeros(blocks),
            items=np.zeros(blocks),
            totals=np.zeros((blocks, k)),
            disagreeing=np.zeros(blocks),
        )
        return out
    per_token = np.zeros((tokens, k))
    for row in codes:
        per_token[np.arange(tokens), row] += 1
    agreeing = (per_token * (per_token - 1)).sum(axis=1) / (m * (m - 1))
    disagreeing = (m * m - (per_token**2).sum(axis=1)) / (m - 1)
    totals = np.zeros((blocks, k))
    np.add.at(totals, block_of_token, per_token)
    out.update(
        agreeing=np.bincount(block_of_token, weights=agreeing, minlength=blocks),
        items=np.bincount(block_of_token, minlength=blocks).astype(float),
        totals=totals,
        disagreeing=np.bincount(block_of_token, weights=disagreeing, minlength=blocks),
    )
    return out


def cohen(confusion: np.ndarray) -> np.ndarray:
    """Cohen's kappa from confusion counts (..., K, K); NaN when undefined."""
    return cohen_from_margins(
        np.trace(confusion, axis1=-2, axis2=-1), confusion.sum(axis=-1), confusion.sum(axis=-2)
    )


def cohen_from_margins(equal: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Cohen's kappa from what it needs of the confusion counts: the equal codes (...) and each analyst's
    category counts (..., K). A resample sums these 2 K + 1 numbers per pair instead of K^2."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = first.sum(axis=-1)
        observed = equal / n
        expected = (first * second).sum(axis=-1) / (n * n)
        return _chance_corrected(observed, expected)


def fleiss(agreeing: np.ndarray, items: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Fleiss' kappa (nltk's multi-pi) from summed counts; NaN when undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = agreeing / items
        shares = totals / totals.sum(axis=-1, keepdims=True)
        expected = (shares**2).sum(axis=-1)
        return _chance_corrected(observed, expected)


def krippendorff(disagreeing: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Krippendorff's alpha (nominal) from summed counts; NaN when undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = totals.sum(axis=-1)
        expected_pairs = n * n - (totals**2).sum(axis=-1)
        alpha = 1 - (n - 1) * disagreeing / expected_pairs
        return np.where(expected_pairs > 0, alpha, np.nan)


def _chance_corrected(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    value = (observed - expected) / (1 - expected)
    # Chance agreement of 1 (one category only, up to rounding): undefined.
    return np.where(~(np.abs(1 - expected) > 1e-12), np.nan, value)
