"""Sentences and how they match across two texts: boilerplate learning and sentence-level comparison. No ORM.

Stored reuse links are passages (`articles.passages`, stored by `articles.detection`); this module cuts
paragraphs into sentences for boilerplate learning and matches the sentences of two given texts where
sentence-level detail is wanted.

A paragraph is cut into sentences with character ranges into its text. Each sentence becomes a list of word
tokens compared in their normalised form (case, quotes, dashes, markdown link syntax folded away), so every
offset this module returns is a code-point index into the original `Paragraph.text`.

Candidates are found through an n-gram index (winnowed word shingles), never by comparing all pairs; each
candidate pair is then classified with a word-level alignment (`difflib.SequenceMatcher`).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import Match as Block
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from typing import NamedTuple

from articles.text import MARKDOWN_LINK, normalise

SHINGLE_WORDS = 3
WINNOW_WINDOW = 3
MIN_SENTENCE_WORDS = 4
NEAR_IDENTICAL_RATIO = 0.8
# Nearly all of the shorter sentence's words, in order, inside the longer one.
PARTIAL_COVERAGE = 0.85
PARTIAL_MIN_WORDS = 5


class Kind:
    IDENTICAL = "identical"
    NEAR_IDENTICAL = "near_identical"
    PARTIAL = "partial"


_WORD = re.compile(r"\w+(?:[-‐‑–—'’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")
_ABBREVIATION = re.compile(
    r"(?:^|[^\w.])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Prof|Jr|Sr|Inc|Ltd|Co|No|vs|e\.g|i\.e|U\.S)\.$"
)
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]?(\w)")


# A difflib opcode over token indices: (op, a_start, a_end, b_start, b_end).
Opcode = tuple[str, int, int, int, int]


class Token(NamedTuple):
    """One word: its range in the paragraph text and its comparison key."""

    start: int
    end: int
    key: str


@dataclass(frozen=True, eq=False)
class Sentence:
    """A sentence of a paragraph: `start`/`end` are code-point offsets into the paragraph's text."""

    paragraph: int
    start: int
    end: int
    text: str
    keys: tuple[str, ...]
    # The paragraph's text with markup blanked: where the words are, read only when their ranges are wanted.
    masked: str = field(repr=False)

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        """Return the words with their ranges in the paragraph's text.

        Only a comparison that shows ranges needs them, and building them costs three times as much as the
        keys that boilerplate learning reads, so they are made on first use.
        """
        return tuple(tokenize(self.masked, self.start, self.end))

    @cached_property
    def norm(self) -> str:
        """Return the comparison form: the normalised words, joined by single spaces."""
        return " ".join(self.keys)

    @property
    def is_indexable(self) -> bool:
        return len(self.keys) >= MIN_SENTENCE_WORDS


@dataclass(frozen=True)
class Edit:
    """One step of a word-level diff: `equal`, `replace`, `delete` or `insert`, with ranges on both sides."""

    op: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int


@dataclass(frozen=True)
class Match:
    """Reused text between sentence `a` and sentence `b`, with the ranges that actually correspond."""

    a: Sentence
    b: Sentence
    kind: str
    score: float
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    edits: tuple[Edit, ...] = field(default=(), repr=False)

    @property
    def a_text(self) -> str:
        return self.a.text[self.a_start - self.a.start : self.a_end - self.a.start]

    @property
    def b_text(self) -> str:
        return self.b.text[self.b_start - self.b.start : self.b_end - self.b.start]


class AgeFields(NamedTuple):
    """The fields `age_key` reads, for rows fetched without building model instances."""

    pk: int
    published_on: datetime.date | None
    imported_at: datetime.datetime


def age_key(article) -> tuple:
    """Return the sort key telling which of two articles is older: publication date, then import order."""
    day = article.published_on or article.imported_at.date()
    return (day, article.imported_at or datetime.datetime.min, article.pk)


def mask_markup(text: str) -> str:
    """Return text of the same length with markdown link syntax and targets blanked, labels kept in place."""

    def blank(m: re.Match) -> str:
        label_start = m.start(1) - m.start()
        return " " * label_start + m.group(1) + " " * (m.end() - m.end(1))

    return MARKDOWN_LINK.sub(blank, text)


@lru_cache(maxsize=200_000)
def _key(word: str) -> str:
    return normalise(word)


def tokenize(text: str, offset: int = 0, end: int | None = None) -> list[Token]:
    """Return the words of text[offset:end] with their ranges in `text` and their normalised keys."""
    words = _WORD.finditer(text, offset, len(text) if end is None else end)
    return [Token(m.start(), m.end(), _key(m.group())) for m in words]


def _keys(text: str, start: int, end: int) -> tuple[str, ...]:
    """Return the normalised keys of the words of text[start:end]: those of `tokenize`, without ranges."""
    return tuple(map(_key, _WORD.findall(text, start, end)))


def _boundaries(masked: str) -> Iterator[int]:
    for m in _SENTENCE_END.finditer(masked):
        if m.group() == "\n":
            yield m.end()
            continue
        if m.group() == "." and _ABBREVIATION.search(masked[max(0, m.start() - 6) : m.end()]):
            continue
        following = _NEXT_WORD.match(masked, m.end())
        if following and not following.group(1).islower():
            yield m.end()


def split_sentences(text: str, paragraph: int = 0) -> list[Sentence]:
    """Return the sentences of a paragraph text, with ranges trimmed of surrounding whitespace."""
    masked = mask_markup(text)
    sentences = []
    start = 0
    for end in [*_boundaries(masked), len(text)]:
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        start = end
        if s < e:
            keys = _keys(masked, s, e)
            if keys:
                sentences.append(Sentence(paragraph, s, e, text[s:e], keys, masked))
    return sentences


def sentence_at(text: str, paragraph: int, start: int, end: int) -> Sentence:
    """Return the sentence at a known range of a paragraph's text, without splitting the rest."""
    masked = mask_markup(text)
    return Sentence(paragraph, start, end, text[start:end], _keys(masked, start, end), masked)


def split_paragraphs(paragraphs: Iterable[tuple[int, str]]) -> list[Sentence]:
    """Return the sentences of (paragraph id, text) pairs, in reading order."""
    return [s for pid, text in paragraphs for s in split_sentences(text, pid)]


def _hash(words: tuple[str, ...]) -> int:
    digest = hashlib.blake2b("\x1f".join(words).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def shingles(keys: tuple[str, ...], size: int = SHINGLE_WORDS) -> list[int]:
    """Return the hashes of the word n-grams of a sentence (one hash of all words when it is shorter)."""
    if len(keys) <= size:
        return [_hash(keys)] if keys else []
    return [_hash(keys[i : i + size]) for i in range(len(keys) - size + 1)]


def fingerprints(sentence: Sentence) -> set[int]:
    """Return the winnowed shingle hashes of a sentence: the keys of the n-gram index.

    Winnowing keeps the smallest hash of every window of WINNOW_WINDOW shingles, so two sentences sharing a
    run of at least SHINGLE_WORDS + WINNOW_WINDOW - 1 words are guaranteed a common fingerprint, while only
    about 2 / (WINNOW_WINDOW + 1) of the shingles are stored.
    """
    hashes = shingles(sentence.keys)
    if len(hashes) <= WINNOW_WINDOW:
        return {min(hashes)} if hashes else set()
    return {min(hashes[i : i + WINNOW_WINDOW]) for i in range(len(hashes) - WINNOW_WINDOW + 1)}


def _edits(a: Sentence, b: Sentence, opcodes: list[Opcode]) -> tuple[Edit, ...]:
    """Turn token opcodes into character ranges; an empty side sits where the words would be."""

    def span(tokens: tuple[Token, ...], i: int, j: int, sentence: Sentence) -> tuple[int, int]:
        if i < j:
            return tokens[i].start, tokens[j - 1].end
        at = tokens[i].start if i < len(tokens) else sentence.end
        return at, at

    return tuple(
        Edit(op, *span(a.tokens, i1, i2, a), *span(b.tokens, j1, j2, b)) for op, i1, i2, j1, j2 in opcodes
    )


def classify(a: Sentence, b: Sentence) -> Match | None:
    """Return how sentence `b` reuses sentence `a` (or the other way round), or None when it does not.

    Identical: the same words. Near-identical: the same sentence with a few words edited (similarity at
    least NEAR_IDENTICAL_RATIO). Partial: the shorter sentence found inside the longer one (`_containment`).
    A sentence reworded beyond near-identical is not linked, even when it keeps a long run of words.
    """
    if a.norm == b.norm:
        edits = (Edit("equal", a.start, a.end, b.start, b.end),)
        return Match(a, b, Kind.IDENTICAL, 1.0, a.start, a.end, b.start, b.end, edits)
    matcher = SequenceMatcher(None, a.keys, b.keys, autojunk=False)
    blocks = [blk for blk in matcher.get_matching_blocks() if blk.size]
    ratio = 2 * sum(blk.size for blk in blocks) / (len(a.keys) + len(b.keys))
    if ratio >= NEAR_IDENTICAL_RATIO:
        edits = _edits(a, b, matcher.get_opcodes())
        return Match(a, b, Kind.NEAR_IDENTICAL, round(ratio, 3), a.start, a.end, b.start, b.end, edits)
    return _containment(a, b, blocks)


def _containment(a: Sentence, b: Sentence, blocks: list[Block]) -> Match | None:
    """Return a partial match when the shorter sentence lies inside the longer one, else None.

    Nearly all of the shorter sentence's words (PARTIAL_COVERAGE) must be found, in order, in one stretch of
    the longer one, and that stretch must be a near-identical copy of it (NEAR_IDENTICAL_RATIO): a sentence
    edited in the middle, or sharing only its opening words, is no containment. The ranges cover the aligned
    words on both sides; the score is the share of the shorter sentence's words found.
    """
    runs = [blk for blk in blocks if blk.size >= SHINGLE_WORDS]
    shorter = min(len(a.keys), len(b.keys))
    # No in-order alignment finds more words than the two sentences have in common: a cheap early refusal.
    if not runs or sum((Counter(a.keys) & Counter(b.keys)).values()) < PARTIAL_COVERAGE * shorter:
        return None
    aligned = _align_inside(a, b, runs)
    if not aligned:
        return None
    matched = sum(i2 - i1 for op, i1, i2, _, _ in aligned if op == "equal")
    (_, a_first, _, b_first, _), (_, _, a_last, _, b_last) = aligned[0], aligned[-1]
    stretch = b_last - b_first if len(a.keys) <= len(b.keys) else a_last - a_first
    coverage = matched / shorter
    similarity = 2 * matched / (shorter + stretch)
    if matched < PARTIAL_MIN_WORDS or coverage < PARTIAL_COVERAGE or similarity < NEAR_IDENTICAL_RATIO:
        return None
    a_start, a_end = a.tokens[a_first].start, a.tokens[a_last - 1].end
    b_start, b_end = b.tokens[b_first].start, b.tokens[b_last - 1].end
    return Match(
        a, b, Kind.PARTIAL, round(coverage, 3), a_start, a_end, b_start, b_end, _edits(a, b, aligned)
    )


def _align_inside(a: Sentence, b: Sentence, runs: list[Block]) -> list[Opcode]:
    """Align the whole shorter sentence with the stretch of the longer one between its first and last runs.

    Only runs of whole shingles bound the stretch, so a stray common word elsewhere in the longer sentence
    cannot stretch it. Return token opcodes from the first aligned word to the last (leading and trailing
    unaligned words dropped), or [] when nothing aligns.
    """
    if len(a.keys) <= len(b.keys):
        ai, aj = 0, len(a.keys)
        bi, bj = runs[0].b, runs[-1].b + runs[-1].size
    else:
        ai, aj = runs[0].a, runs[-1].a + runs[-1].size
        bi, bj = 0, len(b.keys)
    sub = SequenceMatcher(None, a.keys[ai:aj], b.keys[bi:bj], autojunk=False)
    aligned = [(op, i1 + ai, i2 + ai, j1 + bi, j2 + bi) for op, i1, i2, j1, j2 in sub.get_opcodes()]
    while aligned and aligned[0][0] != "equal":
        aligned.pop(0)
    while aligned and aligned[-1][0] != "equal":
        aligned.pop()
    return aligned


def token_opcodes(a: Sentence, b: Sentence) -> list[Opcode]:
    """Return difflib opcodes between the two sentences' words (token indices)."""
    return SequenceMatcher(None, a.keys, b.keys, autojunk=False).get_opcodes()


class SentenceIndex:
    """An in-memory n-gram index over sentences, for comparing a handful of texts without a database."""

    def __init__(self, sentences: Iterable[Sentence]) -> None:
        self.postings: dict[int, list[Sentence]] = defaultdict(list)
        for sentence in sentences:
            if sentence.is_indexable:
                for fp in fingerprints(sentence):
                    self.postings[fp].append(sentence)

    def candidates(self, sentence: Sentence) -> list[Sentence]:
        """Return the indexed sentences sharing a fingerprint with `sentence`, each once, in index order."""
        seen: dict[int, Sentence] = {}
        for fp in fingerprints(sentence):
            for other in self.postings.get(fp, ()):
                seen.setdefault(id(other), other)
        return list(seen.values())


def match_sentences(a_sentences: list[Sentence], b_sentences: list[Sentence]) -> list[Match]:
    """Return every reuse match between two lists of sentences, in the reading order of `a`."""
    index = SentenceIndex(b_sentences)
    matches = []
    for sentence in a_sentences:
        if not sentence.is_indexable:
            continue
        for candidate in index.candidates(sentence):
            match = classify(sentence, candidate)
            if match is not None:
                matches.append(match)
    return matches
