"""Every agreement figure of a project, with its interval and diagnostics, from plain documents.

Pure: the caller (`annotator.agreement.data`) reads the database and hands over `Document`s. The project's
figures resample its articles, each article's its paragraphs (see `bootstrap`).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from threadpoolctl import threadpool_limits

from annotator.agreement import bootstrap, coding, unitizing
from annotator.agreement.units import SpanRecord, label_masks, merged_units, token_bounds

ALL = "all"  # the scheme in which a token's category is the set of labels an analyst put on it
MEASURES = {
    "cohen_kappa": "Cohen's kappa (mean over pairs)",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha (tokens)",
    "alpha_u": "Krippendorff's alpha_U (characters)",
}
MIN_ARTICLES = 5  # fewer articles read by two analysts, and a project's interval rests on too little
MIN_SPANS = 10  # fewer spans of a label across the analysts, and its figures mean little
WIDE_INTERVAL = 0.4
SEPARATOR = 2  # the blank line between two paragraphs of an article's continuum


@dataclass
class Document:
    key: int
    title: str
    paragraphs: list[str]
    analysts: list[str]  # who reads this article (the analysts compared on it)
    spans: list[SpanRecord]


@dataclass(frozen=True)
class Figure:
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass
class Row:
    label: str  # a label's slug, or ALL
    measure: str
    figure: Figure


@dataclass
class PairRow:
    label: str
    first: str
    second: str
    figure: Figure
    tokens: int


@dataclass
class AttributionPair:
    first: str
    second: str
    matched: int
    same: Figure  # the share of matched claims both attribute to the same source


@dataclass
class Scope:
    key: int | None  # None for the whole project
    title: str
    analysts: list[str]
    blocks: int  # articles (project) or paragraphs (article) the interval resamples
    tokens: int
    rows: list[Row] = field(default_factory=list)
    pairs: list[PairRow] = field(default_factory=list)
    attribution: Figure = Figure(None)
    attribution_pairs: list[AttributionPair] = field(default_factory=list)
    claims: int = 0
    spans: dict[str, int] = field(default_factory=dict)  # per analyst
    diagnostics: list[str] = field(default_factory=list)

    def figure(self, label: str, measure: str) -> Figure:
        return next((r.figure for r in self.rows if r.label == label and r.measure == measure), Figure(None))


@dataclass
class Report:
    labels: list[tuple[str, str]]
    analysts: list[str]
    project: Scope
    articles: list[Scope]


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Sums:
    """Per-paragraph counts of every figure, concatenated over the project's documents."""

    def __init__(self, documents, labels, claim_label):
        self.documents = documents
        self.slugs = [slug for slug, _ in labels]
        self.analysts = sorted({a for d in documents for a in d.analysts})
        self.index = {a: i for i, a in enumerate(self.analysts)}
        self.pairs = list(combinations(range(len(self.analysts)), 2))
        self.pair_index = {pair: p for p, pair in enumerate(self.pairs)}
        self.bits = {slug: i for i, slug in enumerate(self.slugs)}
        self.claim_label = claim_label
        self.paragraph_doc = np.array(
            [d for d, doc in enumerate(documents) for _ in doc.paragraphs], dtype=np.int64
        )
        self.doc_first = np.concatenate([[0], np.cumsum([len(d.paragraphs) for d in documents])]).astype(int)
        # Every count that a resample sums, by name, each with the paragraphs on its first axis.
        self.linear: dict[str, np.ndarray] = {}
        self._tokens()
        self._coding()
        self._unitizing()
        self._attribution()
        self._flatten()

    def _flatten(self):
        """Lay every count side by side in one (paragraphs, values) matrix: a scope's resamples are then one
        matrix product."""
        self.layout, columns, start = {}, [], 0
        for name, array in self.linear.items():
            width = int(np.prod(array.shape[1:], dtype=int))
            self.layout[name] = (start, start + width, array.shape[1:])
            columns.append(array.reshape(len(array), width))
            start += width
        self.matrix = np.hstack(columns) if columns else np.zeros((0, 0))

    # --- tokens -------------------------------------------------------------------------------------------
    def _tokens(self):
        self.masks, self.token_block, self.token_counts = [], [], np.zeros(len(self.paragraph_doc))
        for d, doc in enumerate(self.documents):
            by_paragraph = defaultdict(lambda: defaultdict(list))
            for span in doc.spans:
                by_paragraph[span.paragraph][span.analyst].append(span)
            rows, blocks = [], []
            for p, text in enumerate(doc.paragraphs):
                starts, ends = token_bounds(text)
                self.token_counts[self.doc_first[d] + p] = len(starts)
                rows.append([label_masks(starts, ends, by_paragraph[p][a], self.bits) for a in doc.analysts])
                blocks.append(np.full(len(starts), p, dtype=np.int64))
            m = len(doc.analysts)
            mask = (
                np.hstack(
                    [
                        np.vstack(r) if m else np.zeros((0, len(b)), dtype=np.int64)
                        for r, b in zip(rows, blocks, strict=True)
                    ]
                )
                if rows
                else np.zeros((m, 0), dtype=np.int64)
            )
            self.masks.append(mask.reshape(m, -1))
            self.token_block.append(np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64))

    def _coding(self):
        all_masks = np.concatenate([m.ravel() for m in self.masks] + [np.zeros(1, dtype=np.int64)])
        # Category k of the all-labels scheme is the label set whose bit mask is set_codes[k].
        self.set_codes = np.unique(all_masks)
        for scheme in [*self.slugs, ALL]:
            k = len(self.set_codes) if scheme == ALL else 2
            parts = [self._document_counts(d, scheme, k) for d in range(len(self.documents))]
            empty = coding.scheme_sums(
                np.zeros((0, 0), dtype=np.int64), np.zeros(0, dtype=np.int64), 0, k, []
            )
            empty["confusion"] = np.zeros((0, len(self.pairs), k, k))
            parts = parts or [empty]
            confusion = np.concatenate([p["confusion"] for p in parts])
            self.linear[f"{scheme}:equal"] = np.trace(confusion, axis1=-2, axis2=-1)
            self.linear[f"{scheme}:first"] = confusion.sum(axis=-1)
            self.linear[f"{scheme}:second"] = confusion.sum(axis=-2)
            for name in ("agreeing", "items", "totals", "disagreeing"):
                self.linear[f"{scheme}:{name}"] = np.concatenate([p[name] for p in parts])

    def _document_counts(self, d: int, scheme: str, k: int) -> dict:
        """One document's per-paragraph counts for one scheme, its analyst pairs placed at their project-wide
        pair index (the first analyst of a pair is the one earlier in the project's order)."""
        doc, mask = self.documents[d], self.masks[d]
        codes = np.searchsorted(self.set_codes, mask) if scheme == ALL else (mask >> self.bits[scheme]) & 1
        position = [self.index[a] for a in doc.analysts]
        pairs = []
        for a, b in combinations(range(len(position)), 2):
            first, second = (a, b) if position[a] < position[b] else (b, a)
            pairs.append((self.pair_index[(position[first], position[second])], first, second))
        part = coding.scheme_sums(codes, self.token_block[d], len(doc.paragraphs), k, pairs)
        confusion = np.zeros((len(doc.paragraphs), len(self.pairs), k, k))
        confusion[:, : part["confusion"].shape[1]] = part["confusion"]
        part["confusion"] = confusion
        return part

    # --- characters ---------------------------------------------------------------------------------------
    def _unitizing(self):
        """Per paragraph and label, alpha_U's sums. An article's continuum is its paragraphs joined by a
        blank line (SEPARATOR characters, counted with the paragraph before it), so an analyst's gap runs on
        from one paragraph into the next; each gap is counted with the paragraph it starts in, which is what
        a resample of paragraphs draws. A project's articles are separate continua: a gap ends with its
        article."""
        blocks_by_label = {slug: [] for slug in self.slugs}
        for doc in self.documents:
            ranges = defaultdict(list)
            for span in doc.spans:
                ranges[(span.paragraph, span.label, span.analyst)].append((span.start, span.end))
            lengths = [
                len(t) + (SEPARATOR if p < len(doc.paragraphs) - 1 else 0)
                for p, t in enumerate(doc.paragraphs)
            ]
            offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(int)
            for slug in self.slugs:
                units = {
                    (p, a): merged_units(ranges.get((p, slug, a), ()))
                    for p in range(len(doc.paragraphs))
                    for a in doc.analysts
                }
                gaps = [[] for _ in doc.paragraphs]
                for a in doc.analysts:
                    position = 0
                    for p in range(len(doc.paragraphs)):
                        for start, end in units[(p, a)]:
                            if offsets[p] + start > position:
                                gaps[int(np.searchsorted(offsets, position, side="right")) - 1].append(
                                    offsets[p] + start - position
                                )
                            position = offsets[p] + end
                    if position < offsets[-1]:
                        gaps[int(np.searchsorted(offsets, position, side="right")) - 1].append(
                            offsets[-1] - position
                        )
                for p in range(len(doc.paragraphs)):
                    blocks_by_label[slug].append(
                        unitizing.block_sums(lengths[p], [units[(p, a)] for a in doc.analysts], gaps[p])
                    )
        self.unit_blocks = blocks_by_label
        for slug, blocks in blocks_by_label.items():
            for name in unitizing.SCALARS:
                self.linear[f"{slug}:u:{name}"] = np.array([getattr(b, name) for b in blocks], dtype=float)

    def cross(self, slug: str, rows: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
        """alpha_U's block-pairing term between the resampled blocks of a scope (see unitizing)."""
        blocks = self.unit_blocks[slug]
        return unitizing.cross_matrix([blocks[r] for r in rows], group, groups)

    # --- attributions -------------------------------------------------------------------------------------
    def _attribution(self):
        """Claims two analysts or more marked on overlapping text form one item; each analyst's value is the
        attribution of their longest claim span in it (blank: "no one")."""
        items = []  # (block, {analyst: attribution})
        for d, doc in enumerate(self.documents):
            claims = sorted(
                (s for s in doc.spans if s.label == self.claim_label), key=lambda s: (s.paragraph, s.start)
            )
            group, group_end, paragraph = [], -1, None
            for span in [*claims, None]:
                if span is None or span.paragraph != paragraph or span.start >= group_end:
                    if len({s.analyst for s in group}) >= 2:
                        values = {}
                        for s in sorted(group, key=lambda s: s.end - s.start):
                            values[s.analyst] = _normalised(s.attributed_to)
                        items.append((self.doc_first[d] + paragraph, values))
                    if span is None:
                        break
                    group, group_end, paragraph = [], -1, span.paragraph
                group.append(span)
                group_end = max(group_end, span.end)
        categories = sorted({v for _, values in items for v in values.values()})
        position = {c: i for i, c in enumerate(categories)}
        blocks, k = len(self.paragraph_doc), max(len(categories), 1)
        self.att = {
            "disagreeing": np.zeros(blocks),
            "totals": np.zeros((blocks, k)),
            "same": np.zeros((blocks, len(self.pairs))),
            "both": np.zeros((blocks, len(self.pairs))),
            "claims": np.zeros(blocks),
        }
        for name, array in self.att.items():
            self.linear[f"att:{name}"] = array
        for block, values in items:
            counts = np.zeros(k)
            for v in values.values():
                counts[position[v]] += 1
            m = counts.sum()
            self.att["disagreeing"][block] += (m * m - (counts**2).sum()) / (m - 1)
            self.att["totals"][block] += counts
            self.att["claims"][block] += 1
            for a, b in combinations(sorted(values, key=self.index.get), 2):
                p = self.pair_index[(self.index[a], self.index[b])]
                self.att["both"][block, p] += 1
                self.att["same"][block, p] += values[a] == values[b]


class _Figures:
    """Collects each figure's replicates (row 0: the data itself) and turns them into Figures at once, with
    one percentile computation for the whole scope."""

    def __init__(self):
        self.columns: list[np.ndarray] = []
        self.targets: list = []

    def add(self, replicates: np.ndarray, place) -> None:
        self.columns.append(replicates)
        self.targets.append(place)

    def settle(self) -> None:
        if not self.columns:
            return
        table = np.column_stack(self.columns)
        resamples = table[1:]
        defined = np.isfinite(resamples).sum(axis=0)
        low, high = _percentiles(resamples, defined)
        for column, place in enumerate(self.targets):
            value = table[0, column]
            if not np.isfinite(value):
                figure = Figure(None)
            elif len(resamples) == 0 or defined[column] * 2 < len(resamples):
                figure = Figure(float(value))
            else:
                figure = Figure(float(value), float(low[column]), float(high[column]))
            place(figure)


def _percentiles(resamples: np.ndarray, defined: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each column's 2.5th and 97.5th percentiles over its finite values (linear interpolation, as
    numpy.percentile), computed for all columns at once: NaN sorts last, so column j's finite values are
    its first defined[j] rows."""
    if not len(resamples):
        return np.full(resamples.shape[1], np.nan), np.full(resamples.shape[1], np.nan)
    ordered = np.sort(np.where(np.isfinite(resamples), resamples, np.nan), axis=0)
    columns = np.arange(resamples.shape[1])
    tail = (1 - bootstrap.LEVEL) / 2
    out = []
    for q in (tail, 1 - tail):
        position = q * np.maximum(defined - 1, 0)
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, np.maximum(defined - 1, 0))
        fraction = position - below
        out.append(ordered[below, columns] * (1 - fraction) + ordered[above, columns] * fraction)
    return out[0], out[1]


def _scope_figures(sums: _Sums, scope: Scope, rows: np.ndarray, group: np.ndarray, groups: int, seed: int):
    """Fill `scope` with every figure over the paragraphs `rows`, resampling `groups` blocks (`group` maps
    each paragraph to its block)."""
    onehot = np.zeros((len(rows), groups))
    onehot[np.arange(len(rows)), group] = 1
    weights = bootstrap.resample_weights(groups, seed=seed)  # (1 + R, groups)
    summed_matrix = weights @ (onehot.T @ sums.matrix[rows])

    def summed(name: str) -> np.ndarray:
        begin, end, shape = sums.layout[name]
        return summed_matrix[:, begin:end].reshape((len(weights), *shape))

    figures = _Figures()
    present = {sums.index[a] for a in scope.analysts}
    pairs = [(p, a, b) for p, (a, b) in enumerate(sums.pairs) if a in present and b in present]
    chosen = [p for p, _, _ in pairs]
    for scheme in [*sums.slugs, ALL]:
        first, second = summed(f"{scheme}:first")[:, chosen], summed(f"{scheme}:second")[:, chosen]
        kappas = coding.cohen_from_margins(summed(f"{scheme}:equal")[:, chosen], first, second)
        for column, (_, a, b) in enumerate(pairs):
            row = PairRow(
                scheme, sums.analysts[a], sums.analysts[b], Figure(None), int(first[0, column].sum())
            )
            scope.pairs.append(row)
            figures.add(kappas[:, column], lambda f, row=row: setattr(row, "figure", f))
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a replicate where every pair is undefined
            mean = np.nanmean(kappas, axis=1) if pairs else np.full(len(weights), np.nan)
        totals = summed(f"{scheme}:totals")
        measured = {
            "cohen_kappa": mean,
            "fleiss_kappa": coding.fleiss(summed(f"{scheme}:agreeing"), summed(f"{scheme}:items"), totals),
            "krippendorff_alpha": coding.krippendorff(summed(f"{scheme}:disagreeing"), totals),
        }
        for measure, replicates in measured.items():
            row = Row(scheme, measure, Figure(None))
            scope.rows.append(row)
            figures.add(replicates, lambda f, row=row: setattr(row, "figure", f))
    observed_all, expected_all = np.zeros(len(weights)), np.zeros(len(weights))
    for slug in sums.slugs:
        unit_sums = {n: summed(f"{slug}:u:{n}") for n in unitizing.SCALARS}
        cross_groups = sums.cross(slug, rows, group, groups)
        cross = ((weights @ cross_groups) * weights).sum(axis=1)
        observed, expected = unitizing.alpha_from_sums(unit_sums, cross)
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = np.where(expected > 0, 1 - observed / expected, np.nan)
        row = Row(slug, "alpha_u", Figure(None))
        scope.rows.append(row)
        figures.add(alpha, lambda f, row=row: setattr(row, "figure", f))
        observed_all += np.nan_to_num(observed)
        expected_all += np.nan_to_num(expected)
    with np.errstate(divide="ignore", invalid="ignore"):
        overall = np.where(expected_all > 0, 1 - observed_all / expected_all, np.nan)
    row = Row(ALL, "alpha_u", Figure(None))
    scope.rows.append(row)
    figures.add(overall, lambda f, row=row: setattr(row, "figure", f))
    scope.claims = int(summed("att:claims")[0])
    figures.add(
        coding.krippendorff(summed("att:disagreeing"), summed("att:totals")),
        lambda f: setattr(scope, "attribution", f),
    )
    same, both = summed("att:same"), summed("att:both")
    for p, a, b in pairs:
        with np.errstate(divide="ignore", invalid="ignore"):
            share = same[:, p] / both[:, p]
        pair = AttributionPair(sums.analysts[a], sums.analysts[b], int(both[0, p]), Figure(None))
        scope.attribution_pairs.append(pair)
        figures.add(share, lambda f, pair=pair: setattr(pair, "same", f))
    figures.settle()


def _diagnose(scope: Scope, labels: list[tuple[str, str]], spans_by_label: dict[str, int], project: bool):
    notes = scope.diagnostics
    if len(scope.analysts) < 2:
        notes.append(
            f"Agreement needs two analysts on the same text; {'this project' if project else 'this article'} "
            f"has {len(scope.analysts)}, so there is no figure."
        )
        return
    if project and scope.blocks < MIN_ARTICLES:
        notes.append(
            f"Only {scope.blocks} article{'s' if scope.blocks != 1 else ''} read by two analysts or more: "
            f"the intervals rest on too few articles to mean much (aim for {MIN_ARTICLES} or more)."
        )
    if not project and scope.blocks < 2:
        notes.append(
            f"This article has {scope.blocks} paragraph{'s' if scope.blocks != 1 else ''}: its intervals "
            "cannot be estimated by resampling paragraphs."
        )
    for analyst in scope.analysts:
        if scope.spans.get(analyst, 0) == 0:
            notes.append(
                f"{analyst} has no spans here: every figure counts their text as unlabelled, so each pair "
                f"with {analyst} disagrees wherever the other analyst labelled."
            )
    used = [slug for slug, _ in labels if spans_by_label.get(slug, 0)]
    if len(used) == 1:
        name = dict(labels)[used[0]]
        notes.append(f"Only one label is in use ({name}): the all-labels figures are that label's figures.")
    for slug, name in labels:
        count = spans_by_label.get(slug, 0)
        if count == 0:
            notes.append(f"No analyst used {name} here: its figures are undefined.")
        elif count < MIN_SPANS:
            notes.append(
                f"Only {count} span{'s' if count != 1 else ''} of {name}: "
                "too few for its figures to mean much."
            )
    if scope.claims and scope.attribution.value is None:
        notes.append(
            "Every matched claim has the same attribution, so Krippendorff's alpha on attributions is "
            "undefined (nothing varies); the shares per pair say how often analysts agree."
        )
    rows = [
        r for r in scope.rows if r.figure.low is not None and r.figure.high - r.figure.low > WIDE_INTERVAL
    ]
    if rows:
        notes.append(
            f"{len(rows)} figure{'s' if len(rows) != 1 else ''} {'have' if len(rows) != 1 else 'has'} "
            "an interval "
            f"wider than {WIDE_INTERVAL}: more {'articles' if project else 'text'} would narrow it."
        )


def build(
    documents: list[Document],
    labels: list[tuple[str, str]],
    claim_label: str = "attributed_claim",
    seed: int = bootstrap.SEED,
) -> Report:
    """Compute every figure of a project and of each of its articles, with intervals and diagnostics.

    BLAS runs on one thread here: the matrices are small, and OpenBLAS's worker threads spin while they wait,
    which on a busy server doubled the CPU time of a report (measured: 1.8 s against 0.9 s).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _build(documents, labels, claim_label, seed)


def _build(documents, labels, claim_label, seed) -> Report:
    sums = _Sums(documents, labels, claim_label)
    readable = [d for d, doc in enumerate(documents) if len(doc.analysts) >= 2]
    rows = np.concatenate(
        [np.arange(sums.doc_first[d], sums.doc_first[d + 1]) for d in readable] or [np.zeros(0, dtype=int)]
    ).astype(int)
    group = np.concatenate(
        [np.full(len(documents[d].paragraphs), i) for i, d in enumerate(readable)] or [np.zeros(0, dtype=int)]
    ).astype(int)
    project = Scope(
        None,
        "Project",
        list(sums.analysts),
        len(readable),
        int(sums.token_counts[rows].sum()),
        spans={a: sum(1 for d in documents for s in d.spans if s.analyst == a) for a in sums.analysts},
    )
    if len(readable) and len(sums.analysts) >= 2:
        _scope_figures(sums, project, rows, group, len(readable), seed)
    project_labels = defaultdict(int)
    for d in documents:
        for s in d.spans:
            project_labels[s.label] += 1
    _diagnose(project, labels, project_labels, project=True)
    counts = {len(documents[d].analysts) for d in readable}
    if len(counts) > 1:
        project.diagnostics.append(
            f"Articles are read by {min(counts)} to {max(counts)} analysts: Fleiss' kappa assumes the "
            "same number on every text, so read it with care (Krippendorff's alpha does not assume it)."
        )
    apart = [p for p in project.pairs if p.label == ALL and p.tokens == 0]
    for pair in apart:
        project.diagnostics.append(
            f"{pair.first} and {pair.second} read no article in common: their pair has no figure."
        )
    articles = []
    for d, doc in enumerate(documents):
        scope = Scope(
            doc.key,
            doc.title,
            list(doc.analysts),
            len(doc.paragraphs),
            int(sums.token_counts[sums.doc_first[d] : sums.doc_first[d + 1]].sum()),
            spans={a: sum(1 for s in doc.spans if s.analyst == a) for a in doc.analysts},
        )
        if len(doc.analysts) >= 2 and doc.paragraphs:
            paragraph_rows = np.arange(sums.doc_first[d], sums.doc_first[d + 1])
            _scope_figures(
                sums, scope, paragraph_rows, np.arange(len(paragraph_rows)), len(paragraph_rows), seed
            )
        by_label = defaultdict(int)
        for s in doc.spans:
            by_label[s.label] += 1
        _diagnose(scope, labels, by_label, project=False)
        articles.append(scope)
    return Report(labels, list(sums.analysts), project, articles)
