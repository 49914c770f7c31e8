"""Krippendorff's unitizing alpha (alpha_U) over character units, per label.

Written here because no maintained Python library computes it; checked against the example of Krippendorff
(1995: 57) with the per-category values DKPro Statistics tests against (A 0.553, B -0.926, C 0.679, D 0.066).

For one label (category c), each analyst's continuum is cut into units (the analyst's spans of c, overlapping
ones merged) and gaps (everything else). With m analysts and a continuum of length L (Krippendorff 1995,
2004):

    D_o = sum over ordered analyst pairs, over their overlapping segments g, h, of delta(g, h) / (m (m-1) L^2)

    delta(g, h) = (b_g - b_h)^2 + (e_g - e_h)^2   both units, overlapping
                = l_g^2                           g a unit lying inside the gap h
                = l_h^2                           h a unit lying inside the gap g
                = 0                               otherwise

    D_e = (2 / L) * sum over units g of [ (N_c - 1) (2 l_g^3 - 3 l_g^2 + l_g) / 3
                                          + l_g^2 * sum over gaps h with l_h >= l_g of (l_h - l_g + 1) ]
          / ( m L (m L - 1) - sum over units g of l_g (l_g - 1) )

    alpha_U = 1 - D_o / D_e

N_c counts the units of c of all analysts, and the gaps are those of all analysts. A project or an article is
made of blocks (paragraphs, or whole articles), each read by its own analysts. Every sum above is then a sum
over blocks, with m (m-1) L^2 becoming L * sum_b m_b (m_b - 1) L_b and m L becoming sum_b m_b L_b, which is
the formula above whenever every block has the same m analysts. A gap may run on past its block (an article's
paragraphs form one continuum): it is counted with the block it starts in. Observed disagreement is the same
either way, since a unit lies inside a gap exactly when it lies inside the gap's part in the unit's block.
Blocks read by fewer than two analysts are left out, as Krippendorff's alpha leaves out units with fewer than
two values. Kept per block, these sums let the bootstrap resample blocks without recomputing a distance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotator.agreement.units import segments


def pair_disagreement(first: list[tuple[int, int, bool]], second: list[tuple[int, int, bool]]) -> float:
    """Sum delta over the overlapping segments of two analysts' segmentations of one continuum."""
    total = 0.0
    i = j = 0
    while i < len(first) and j < len(second):
        b1, e1, unit1 = first[i]
        b2, e2, unit2 = second[j]
        if unit1 and unit2:
            total += (b1 - b2) ** 2 + (e1 - e2) ** 2
        elif unit1 and b2 <= b1 and e1 <= e2:
            total += (e1 - b1) ** 2
        elif unit2 and b1 <= b2 and e2 <= e1:
            total += (e2 - b2) ** 2
        # Move past whichever segment ends first (both when they end together): every overlapping pair once.
        if e1 <= e2:
            i += 1
        if e2 <= e1:
            j += 1
    return total


@dataclass
class BlockSums:
    """The additive sums of one block (a paragraph) for one label."""

    observed: float = 0.0  # sum of delta over ordered analyst pairs
    pairable: float = 0.0  # m (m - 1) L
    values: float = 0.0  # m L
    length: float = 0.0  # L
    unit_count: float = 0.0  # N_c's share
    squares: float = 0.0  # sum l (l - 1)
    cubes: float = 0.0  # sum 2 l^3 - 3 l^2 + l
    unit_lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))
    gap_lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))


def block_sums(
    length: int, units_by_analyst: list[list[tuple[int, int]]], gaps: list[int] | None = None
) -> BlockSums:
    """Return one block's sums for one label; `units_by_analyst` holds each analyst's merged units. `gaps`
    gives the gap lengths counted with this block when gaps run on beyond it (by default the block's own)."""
    m = len(units_by_analyst)
    if m < 2 or length <= 0:
        return BlockSums()
    cut = [segments(units, length) for units in units_by_analyst]
    observed = 0.0
    for a in range(m):
        for b in range(a + 1, m):
            observed += 2 * pair_disagreement(cut[a], cut[b])
    lengths = np.array([e - s for units in units_by_analyst for s, e in units], dtype=float)
    if gaps is None:
        gaps = [e - s for seg in cut for s, e, unit in seg if not unit]
    gaps = np.array(gaps, dtype=float)
    return BlockSums(
        observed=observed,
        pairable=float(m * (m - 1) * length),
        values=float(m * length),
        length=float(length),
        unit_count=float(len(lengths)),
        squares=float(np.sum(lengths * (lengths - 1))),
        cubes=float(np.sum(2 * lengths**3 - 3 * lengths**2 + lengths)),
        unit_lengths=lengths,
        gap_lengths=np.sort(gaps),
    )


SCALARS = ("observed", "pairable", "values", "length", "unit_count", "squares", "cubes")


def cross_matrix(blocks: list[BlockSums], groups: np.ndarray, group_count: int) -> np.ndarray:
    """Return C[a, b] = sum over units g in group a and gaps h in group b with l_h >= l_g of
    l_g^2 (l_h - l_g + 1): the one term of D_e that pairs blocks, kept as a matrix so a resample with
    multiplicities w costs w C w^T."""
    unit_lengths = [bl.unit_lengths for bl in blocks]
    unit_groups = [np.full(len(bl.unit_lengths), groups[i]) for i, bl in enumerate(blocks)]
    lengths = np.concatenate(unit_lengths) if unit_lengths else np.zeros(0)
    owners = np.concatenate(unit_groups).astype(np.int64) if unit_groups else np.zeros(0, dtype=np.int64)
    matrix = np.zeros((group_count, group_count))
    if not len(lengths):
        return matrix
    gaps_by_group: list[list[np.ndarray]] = [[] for _ in range(group_count)]
    for i, block in enumerate(blocks):
        gaps_by_group[groups[i]].append(block.gap_lengths)
    for g in range(group_count):
        if not gaps_by_group[g]:
            continue
        gaps = np.sort(np.concatenate(gaps_by_group[g]))
        if not len(gaps):
            continue
        # Sums of the gaps from each position to the end, so "gaps at least l" is one lookup.
        tail_sums = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
        first = np.searchsorted(gaps, lengths, side="left")
        count = len(gaps) - first
        contribution = lengths**2 * (tail_sums[first] - (lengths - 1) * count)
        matrix[:, g] = np.bincount(owners, weights=contribution, minlength=group_count)
    return matrix


def alpha_from_sums(sums: dict[str, np.ndarray], cross: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (D_o, D_e) from summed block sums (arrays over bootstrap replicates)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = sums["observed"] / (sums["length"] * sums["pairable"])
        weighted = (sums["unit_count"] - 1) * sums["cubes"] / 3 + cross
        values = sums["values"]
        expected = 2 * weighted / (sums["length"] * (values * (values - 1) - sums["squares"]))
    return observed, expected


def alpha_u(length: int, units_by_analyst: list[list[tuple[int, int]]]) -> float:
    """alpha_U of one label on one continuum (the plain formula, for one block)."""
    block = block_sums(length, units_by_analyst)
    sums = {name: np.array([getattr(block, name)]) for name in SCALARS}
    cross = cross_matrix([block], np.zeros(1, dtype=np.int64), 1)[0, 0]
    observed, expected = alpha_from_sums(sums, np.array([cross]))
    return float(1 - observed[0] / expected[0])
