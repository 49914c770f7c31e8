"""Bootstrap 95 % confidence intervals by resampling blocks.

A project's figures resample its articles (an article is read as a whole, so its tokens and spans are not
independent of each other); one article's figures resample its paragraphs. Each replicate draws as many blocks
as there are, with replacement, and recomputes every figure from the drawn blocks' counts (a weighted sum, the
weight being how often a block was drawn). The interval is the 2.5th to 97.5th percentile of the replicates
(the percentile method), over the replicates in which the figure is defined. The generator is seeded, so the
same spans give the same interval on every page load, in the CSV and over the API.
"""

from __future__ import annotations

import numpy as np

REPLICATES = 1000
SEED = 20260515
LEVEL = 0.95


def resample_weights(blocks: int, replicates: int = REPLICATES, seed: int = SEED) -> np.ndarray:
    """Return (1 + replicates, blocks) draw counts; row 0 is the data itself (every block once). With fewer
    than two blocks there is nothing to resample: row 0 alone, and the figures get no interval."""
    ones = np.ones((1, blocks))
    if blocks < 2:
        return ones
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(blocks, np.full(blocks, 1 / blocks), size=replicates)
    return np.vstack([ones, draws.astype(float)])
