"""Passage alignment between two texts: seed, merge, extend, filter. Pure; no ORM.

In the manner of the PAN text-alignment systems (Sanchez-Perez et al. 2014) and passim. The texts are
article-level strings (paragraphs joined by blank lines) and every range returned is a code-point offset into
them, so a passage may start mid-sentence and run across paragraphs, and a re-flowed line break is just
space between two words. Seeds are words the two texts share in a short stretch, of kinds that survive
different edits; seeds close in both texts merge into one passage per reused passage; a passage must hold
enough shared words, densely enough, so that a name or a navigation line never links two texts.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Indel, Levenshtein

PARAGRAPH_SEPARATOR = "\n\n"
# Seeds
EXACT_WORDS = 4  # a run of this many words, verbatim after normalisation
CONTENT_SKIP = 2  # content-word pairs up to this far apart (in content words), in either order
STEM_LENGTH = 5  # content words compare on their first letters: inflection and derivation survive
MAX_OCCURRENCES = 4  # a seed this frequent in either text says nothing about where it came from
# Merging and filtering, in words. Chosen on pan13-dev by kind of reuse (bench/bench_pan13.py); the curve of
# MIN_SHARED_WORDS is in BENCHMARKS.md: below 12, navigation lines and names link unrelated texts, and 15 is
# where plagdet and false links level off.
MAX_GAP = 24  # seeds this close in both texts belong to one passage: a sentence or two of rewording
SUPPORT_REACH = 8  # a seed needs another this close in both texts
DRIFT_WINDOW, MAX_DRIFT = 5, 12  # a seed this far off its neighbours' diagonals came from nearby text
DRIFT_AGREEING = 0.5  # unless at least half of them are as far off too
MIN_SHARED_WORDS = 15  # about one full sentence
MIN_DENSITY = 0.35  # shared words per word of the passage, on each side
# A summary draws its words from anywhere in a long stretch of the source, in a dense stretch of its own.
SUMMARY_GAP, SUMMARY_B_GAP = 400, 24
SUMMARY_MIN_SHARED_WORDS = 20
SUMMARY_RATIO = 2.5  # the source side at least this many times longer
SUMMARY_MAX_EXPLAINED = 0.8
# Index keys, which pick the candidates worth aligning: pairs of neighbouring content-word stems, in either
# order, so that edits, translation and summaries keep many of them; winnowed over INDEX_WINDOW keys.
INDEX_WINDOW = 3
# Ends
EXTEND_SKIP = 3
FIT_WORDS = 2
# Kinds: an edited passage keeps most of its words in order, so a word-level diff of it is readable.
EDITED_MIN_SIMILARITY = 0.6
CLOSE_COPY_SIMILARITY = 0.9

# English function words: edits and translation change them freely, so content-word seeds skip them.
_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves s t d ll m re ve
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_WORD = re.compile(r"[^\W_]+")
_BREAK = re.compile(r"[.!?…]|\n\s*\n")
_OPENING = "\"'“‘«(["
_CLOSING = re.compile(r"[.!?…]*[\"'”’»)\]]*")


class Kind(StrEnum):
    """Verbatim: the same words (case, punctuation and line breaks aside). Edited: word-level edits, at
    least EDITED_MIN_SIMILARITY of the words in order. Rewritten: aligned but reworded or summarised."""

    VERBATIM = "verbatim"
    EDITED = "edited"
    REWRITTEN = "rewritten"


@dataclass(frozen=True)
class Passage:
    """Reused text: [a_start, a_end) of the first text corresponds to [b_start, b_end) of the second."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: Kind
    similarity: float


@lru_cache(maxsize=200_000)
def _key(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


class Document:
    """A text cut into words, with the seeds it offers; build one per text and reuse it across pairs."""

    def __init__(self, text: str) -> None:
        self.text = text
        words = list(_WORD.finditer(text))
        self.starts = [w.start() for w in words]
        self.ends = [w.end() for w in words]
        self.keys = [_key(w.group()) for w in words]

    def __len__(self) -> int:
        return len(self.keys)

    def words_in(self, start: int, end: int) -> tuple[int, int]:
        """Return the word range [lo, hi) of the words inside characters [start, end)."""
        return bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)

    def is_break_after(self, i: int) -> bool:
        """Return whether a sentence or a paragraph ends between word i and the next."""
        return bool(_BREAK.search(self.text, self.ends[i], self.starts[i + 1]))

    @cached_property
    def seeds(self) -> dict[tuple, list[tuple[int, int]]]:
        """Return every seed of the text with the word ranges [first, last + 1) where it occurs."""
        found: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        keys = self.keys
        # Exact runs are tuples of EXACT_WORDS (> 2) words, content pairs tuples of two stems: no clash.
        for i, run in enumerate(zip(*(keys[k:] for k in range(EXACT_WORDS)), strict=False)):
            found[run].append((i, i + EXACT_WORDS))
        content = [(i, k[:STEM_LENGTH]) for i, k in enumerate(keys) if k not in STOP_WORDS]
        for skip in range(1, CONTENT_SKIP + 1):
            for (i, stem), (j, other) in zip(content, content[skip:], strict=False):
                found[(stem, other) if stem <= other else (other, stem)].append((i, j + 1))
        return {seed: spans for seed, spans in found.items() if len(spans) <= MAX_OCCURRENCES}

    @cached_property
    def index_keys(self) -> set[int]:
        """Return the text's keys for the n-gram index: 64-bit hashes of neighbouring content-word stems.

        Winnowing keeps the smallest hash of every INDEX_WINDOW neighbours, so two texts sharing a run of
        INDEX_WINDOW + 1 content words share a key, while about 2 / (INDEX_WINDOW + 1) of the pairs are kept.
        """
        stems = [k[:STEM_LENGTH] for k in self.keys if k not in STOP_WORDS]
        hashes = [_hash(min(x, y), max(x, y)) for x, y in zip(stems, stems[1:], strict=False)]
        if len(hashes) <= INDEX_WINDOW:
            return {min(hashes)} if hashes else set()
        return {min(hashes[i : i + INDEX_WINDOW]) for i in range(len(hashes) - INDEX_WINDOW + 1)}


def _hash(*words: str) -> int:
    digest = hashlib.blake2b("\x1f".join(words).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class _Seed(NamedTuple):
    """A seed found in both texts: words [a_lo, a_hi) of `a` and [b_lo, b_hi) of `b`."""

    a_lo: int
    a_hi: int
    b_lo: int
    b_hi: int


@dataclass
class _Cluster:
    seeds: list[_Seed]
    a_lo: int
    a_hi: int
    b_lo: int
    b_hi: int

    @classmethod
    def of(cls, seeds: list[_Seed]) -> _Cluster:
        return cls(
            seeds,
            min(s.a_lo for s in seeds),
            max(s.a_hi for s in seeds),
            min(s.b_lo for s in seeds),
            max(s.b_hi for s in seeds),
        )

    def is_near(self, other: _Cluster | _Seed, a_gap: int, b_gap: int) -> bool:
        return (
            other.a_lo <= self.a_hi + a_gap
            and self.a_lo <= other.a_hi + a_gap
            and other.b_lo <= self.b_hi + b_gap
            and self.b_lo <= other.b_hi + b_gap
        )

    def absorb(self, other: _Cluster) -> None:
        self.seeds += other.seeds
        self.a_lo, self.a_hi = min(self.a_lo, other.a_lo), max(self.a_hi, other.a_hi)
        self.b_lo, self.b_hi = min(self.b_lo, other.b_lo), max(self.b_hi, other.b_hi)

    @cached_property
    def a_words(self) -> int:
        return len({i for s in self.seeds for i in range(s.a_lo, s.a_hi)})

    @cached_property
    def b_words(self) -> int:
        return len({i for s in self.seeds for i in range(s.b_lo, s.b_hi)})

    @property
    def shared(self) -> int:
        return min(self.a_words, self.b_words)

    @property
    def a_density(self) -> float:
        return self.a_words / (self.a_hi - self.a_lo)

    @property
    def b_density(self) -> float:
        return self.b_words / (self.b_hi - self.b_lo)


def _seed_matches(a: Document, b: Document) -> list[_Seed]:
    small, large = (a.seeds, b.seeds) if len(a.seeds) <= len(b.seeds) else (b.seeds, a.seeds)
    found = []
    for seed, spans in small.items():
        others = large.get(seed)
        if not others:
            continue
        for x, y in spans:
            for u, v in others:
                found.append(_Seed(x, y, u, v) if small is a.seeds else _Seed(u, v, x, y))
    return found


def _supported(seeds: list[_Seed], reach: int) -> list[_Seed]:
    """Return the seeds with another seed within `reach` words in both texts: a lone match is chance."""
    seeds = sorted(seeds, key=lambda s: s.b_lo)
    kept = []
    for n, seed in enumerate(seeds):
        for other in _neighbours(seeds, n, reach):
            if abs(other.a_lo - seed.a_lo) <= reach and (other.a_lo, other.b_lo) != (seed.a_lo, seed.b_lo):
                kept.append(seed)
                break
    return kept


def _neighbours(seeds: list[_Seed], n: int, reach: int) -> Iterator[_Seed]:
    b = seeds[n].b_lo
    for m in range(n - 1, -1, -1):
        if seeds[m].b_lo < b - reach:
            break
        yield seeds[m]
    for m in range(n + 1, len(seeds)):
        if seeds[m].b_lo > b + reach:
            break
        yield seeds[m]


def _merge(seeds: list[_Seed], a_gap: int, b_gap: int) -> list[_Cluster]:
    """Merge seeds close in both texts into clusters, in reading order of `b`, until none is near another."""
    clusters: list[_Cluster] = []
    for seed in sorted(seeds, key=lambda s: (s.b_lo, s.a_lo)):
        for cluster in reversed(clusters):
            if cluster.is_near(seed, a_gap, b_gap):
                cluster.absorb(_Cluster.of([seed]))
                break
        else:
            clusters.append(_Cluster.of([seed]))
    merged = True
    while merged:
        merged = False
        for i, cluster in enumerate(clusters):
            other = next((o for o in clusters[i + 1 :] if cluster.is_near(o, a_gap, b_gap)), None)
            if other is not None:
                cluster.absorb(other)
                clusters.remove(other)
                merged = True
                break
    return clusters


def _on_diagonal(cluster: _Cluster) -> _Cluster | None:
    """Drop the seeds that stray from the diagonals of their neighbours: matches pulled in from nearby text.

    A seed stays when at least DRIFT_AGREEING of its neighbours (in reading order of `b`) lie on about its
    diagonal. Known limit: a passage that `a` repeats back to back puts half of the seeds on each copy's
    diagonal and can lose both.
    """
    seeds = sorted(cluster.seeds, key=lambda s: (s.b_lo, s.a_lo))
    diagonals = [s.a_lo - s.b_lo for s in seeds]
    kept = []
    for n, seed in enumerate(seeds):
        around = diagonals[max(0, n - DRIFT_WINDOW) : n] + diagonals[n + 1 : n + 1 + DRIFT_WINDOW]
        agreeing = sum(1 for d in around if abs(d - diagonals[n]) <= MAX_DRIFT)
        if agreeing >= DRIFT_AGREEING * len(around):
            kept.append(seed)
    return _Cluster.of(kept) if kept else None


def _extended(a: Document, b: Document, c: _Cluster) -> tuple[int, int, int, int]:
    """Return the cluster's word ranges grown outwards over edits at its ends: past up to EXTEND_SKIP
    unmatched words on each side, as long as two words in a row match again."""
    a_lo, a_hi, b_lo, b_hi = c.a_lo, c.a_hi, c.b_lo, c.b_hi
    while step := _next_match(a.keys, b.keys, a_hi, b_hi, 1):
        a_hi, b_hi = step
    while step := _next_match(a.keys, b.keys, a_lo - 1, b_lo - 1, -1):
        a_lo, b_lo = step
    return a_lo, a_hi, b_lo, b_hi


def _next_match(a: list[str], b: list[str], i: int, j: int, way: int) -> tuple[int, int] | None:
    """Return the new (exclusive) edge after the nearest two-word match from words i, j onwards in `way`."""
    for total in range(2 * EXTEND_SKIP + 1):
        for di in range(max(0, total - EXTEND_SKIP), min(total, EXTEND_SKIP) + 1):
            x, y = i + way * di, j + way * (total - di)
            inside = 0 <= x + way < len(a) and 0 <= y + way < len(b) and min(x, y) >= 0
            if inside and a[x] == b[y] and a[x + way] == b[y + way]:
                return (x + 2, y + 2) if way > 0 else (x - 1, y - 1)
    return None


def _matched_ends(a: Document, b: Document, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> tuple[int, ...]:
    """Return the word ranges of a close copy from its first to its last word in common: a heading before a
    copied paragraph is no part of it. In a looser passage unmatched words at an end may be moved or
    reworded text, so they stay."""
    a_keys, b_keys = a.keys[a_lo:a_hi], b.keys[b_lo:b_hi]
    if Indel.normalized_similarity(a_keys, b_keys) < CLOSE_COPY_SIMILARITY:
        return a_lo, a_hi, b_lo, b_hi
    ops = Levenshtein.opcodes(a_keys, b_keys)
    kept = [op for op in ops if op.tag == "equal"]
    if not kept:
        return a_lo, a_hi, b_lo, b_hi
    first, last = kept[0], kept[-1]
    return a_lo + first.src_start, a_lo + last.src_end, b_lo + first.dest_start, b_lo + last.dest_end


def _fitted(doc: Document, lo: int, hi: int) -> tuple[int, int]:
    """Return [lo, hi) fitted to the sentences it touches: a word or two of another sentence at either end
    dropped (a shared "The" after the last full stop), a word or two short of a sentence's edge added."""
    for k in range(1, FIT_WORDS + 1):
        if hi - k - 1 > lo and doc.is_break_after(hi - k - 1):
            hi -= k
            break
    for k in range(1, FIT_WORDS + 1):
        if lo + k < hi and doc.is_break_after(lo + k - 1):
            lo += k
            break
    for k in range(FIT_WORDS + 1):
        if lo - k <= 0 or doc.is_break_after(lo - k - 1):
            lo = max(0, lo - k)
            break
    for k in range(FIT_WORDS + 1):
        if hi + k >= len(doc) or doc.is_break_after(hi + k - 1):
            hi = min(len(doc), hi + k)
            break
    return lo, hi


def _characters(doc: Document, lo: int, hi: int) -> tuple[int, int]:
    """Return the character range of words [lo, hi), with an opening quote and closing punctuation."""
    start, end = doc.starts[lo], doc.ends[hi - 1]
    if start > 0 and doc.text[start - 1] in _OPENING:
        start -= 1
    closing = _CLOSING.match(doc.text, end)
    return start, closing.end() if closing else end


def _passage(a: Document, b: Document, c: _Cluster) -> Passage:
    a_lo, a_hi, b_lo, b_hi = _matched_ends(a, b, *_extended(a, b, c))
    (a_lo, a_hi), (b_lo, b_hi) = _fitted(a, a_lo, a_hi), _fitted(b, b_lo, b_hi)
    a_keys, b_keys = a.keys[a_lo:a_hi], b.keys[b_lo:b_hi]
    if a_keys == b_keys:
        kind, similarity = Kind.VERBATIM, 1.0
    else:
        similarity = round(Indel.normalized_similarity(a_keys, b_keys), 3)
        kind = Kind.EDITED if similarity >= EDITED_MIN_SIMILARITY else Kind.REWRITTEN
    return Passage(*_characters(a, a_lo, a_hi), *_characters(b, b_lo, b_hi), kind, similarity)


def _is_passage(c: _Cluster) -> bool:
    return c.shared >= MIN_SHARED_WORDS and min(c.a_density, c.b_density) >= MIN_DENSITY


def _is_summary(c: _Cluster, passages: list[_Cluster]) -> bool:
    """A dense stretch of `b` whose words are spread over a much longer stretch of `a`, and that no passage
    found so far mostly explains (a close copy with stray matches around it is no summary)."""
    if c.shared < SUMMARY_MIN_SHARED_WORDS or c.b_density < MIN_DENSITY:
        return False
    if (c.a_hi - c.a_lo) < SUMMARY_RATIO * (c.b_hi - c.b_lo):
        return False
    inside = [min(p.b_hi, c.b_hi) - max(p.b_lo, c.b_lo) for p in passages if _overlaps(p, c)]
    widest = max(inside, default=0) / (c.b_hi - c.b_lo)
    return widest < SUMMARY_MAX_EXPLAINED / 2 or (len(inside) > 1 and widest < SUMMARY_MAX_EXPLAINED)


def _overlaps(c: _Cluster, other: _Cluster) -> bool:
    return c.is_near(other, 0, 0)


def _document(text: str | Document) -> Document:
    return text if isinstance(text, Document) else Document(text)


def align(a: str | Document, b: str | Document) -> list[Passage]:
    """Return the passages text `b` shares with text `a`, in reading order of `b`."""
    a, b = _document(a), _document(b)
    seeds = _supported(_seed_matches(a, b), SUPPORT_REACH)
    clusters = [_on_diagonal(c) for c in _merge(seeds, MAX_GAP, MAX_GAP)]
    kept = [c for c in clusters if c is not None and _is_passage(c)]
    summaries = [c for c in _merge(seeds, SUMMARY_GAP, SUMMARY_B_GAP) if _is_summary(c, kept)]
    if summaries:
        kept = [c for c in kept if not any(_overlaps(c, s) for s in summaries)] + summaries
    return [_passage(a, b, c) for c in sorted(kept, key=lambda c: c.b_lo)]


class Edit(NamedTuple):
    """One step of a passage's word-level diff (`equal`, `replace`, `delete`, `insert`) as character ranges
    in both texts; an empty range sits where the missing words would be."""

    op: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int


def word_edits(a: str | Document, b: str | Document, passage: Passage) -> list[Edit]:
    """Return the word-level diff between the two sides of a passage, for showing what an edit changed."""
    a, b = _document(a), _document(b)
    (a_lo, a_hi), (b_lo, b_hi) = (
        a.words_in(passage.a_start, passage.a_end),
        b.words_in(passage.b_start, passage.b_end),
    )

    def span(doc: Document, lo: int, hi: int, i: int, j: int, end: int) -> tuple[int, int]:
        if i < j:
            return doc.starts[lo + i], doc.ends[lo + j - 1]
        at = doc.starts[lo + i] if lo + i < hi else end
        return at, at

    return [
        Edit(
            op.tag,
            *span(a, a_lo, a_hi, op.src_start, op.src_end, passage.a_end),
            *span(b, b_lo, b_hi, op.dest_start, op.dest_end, passage.b_end),
        )
        for op in Levenshtein.opcodes(a.keys[a_lo:a_hi], b.keys[b_lo:b_hi])
    ]


def article_text(paragraphs: Sequence[str]) -> str:
    """Return the article-level text the aligner reads: the paragraphs joined by PARAGRAPH_SEPARATOR."""
    return PARAGRAPH_SEPARATOR.join(paragraphs)


def paragraph_range(paragraphs: Sequence[str], start: int, end: int) -> tuple[int, int, int, int]:
    """Return (first paragraph, offset in it, last paragraph, end offset in it) of an article-level range.

    Offsets are code points into `Paragraph.text`; a range that starts in a separator starts at the next
    paragraph, and one that ends in a separator ends with the previous one.
    """
    bounds, at = [], 0
    for text in paragraphs:
        bounds.append((at, at + len(text)))
        at += len(text) + len(PARAGRAPH_SEPARATOR)
    first = next(i for i, (_, stop) in enumerate(bounds) if start < stop)
    last = next(i for i in range(len(bounds) - 1, -1, -1) if bounds[i][0] < end)
    return first, max(0, start - bounds[first][0]), last, min(end, bounds[last][1]) - bounds[last][0]
