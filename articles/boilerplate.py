"""Boilerplate: text that recurs across articles of one publisher (copyright lines, disclaimers, appeals).

The pure core (`find`) takes a publisher's articles as plain texts. A sentence recurs when its normalised text
appears in another article of the publisher, or when nearly all of its word shingles do (so a cut-off copy
of a disclaimer still counts). Recurring text is suggested only where boilerplate sits: the closing block of
paragraphs that recur in other articles' closing blocks, and the recurring sentences that end the last body
paragraph. A republished story shares its body with the original, so recurrence alone would flag the news
itself. `refresh` stores the suggestions of one publisher.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from articles.models import Article, BoilerplateSuggestion, Paragraph
from articles.reuse import SHINGLE_WORDS, Sentence, age_key, split_sentences

CONTAINED_SHARE = 0.9
CONTAINED_MIN_WORDS = 5
CUT_COPY_SHARE = 0.5
RECURRING_PARAGRAPH_SHARE = 0.5
# Articles of one publisher compared at once, in chronological blocks: boilerplate recurs in nearly every
# article of its time, so a window finds it while keeping each refresh independent of the outlet's size.
WINDOW = 50

ArticleTexts = list[tuple[int, str]]


@dataclass(frozen=True)
class Suggestion:
    """A suggested boilerplate range: code-point offsets into the paragraph's text."""

    paragraph: int
    start: int
    end: int
    occurrences: int


def _shingles(keys: tuple[str, ...]) -> frozenset[int]:
    """Return the word n-grams of a sentence as in-memory hashes (never stored, so Python's hash will do)."""
    if len(keys) <= SHINGLE_WORDS:
        return frozenset([hash(keys)])
    return frozenset(hash(keys[i : i + SHINGLE_WORDS]) for i in range(len(keys) - SHINGLE_WORDS + 1))


class _Publisher:
    """Where every sentence and shingle of one publisher's articles occurs."""

    def __init__(self, articles: dict[int, ArticleTexts]) -> None:
        self.sentences = {
            aid: [(pid, split_sentences(text, pid)) for pid, text in paragraphs]
            for aid, paragraphs in articles.items()
        }
        self.by_norm: dict[str, set[int]] = defaultdict(set)
        self.by_shingle: dict[int, set[int]] = defaultdict(set)
        self.shingles_of: dict[int, set[int]] = defaultdict(set)
        # Sentences long enough to be a cut-off copy: (article, shingles), and where each shingle occurs.
        self.pieces: list[tuple[int, frozenset[int]]] = []
        self.piece_postings: dict[int, list[int]] = defaultdict(list)
        for aid, paragraphs in self.sentences.items():
            for _pid, sentences in paragraphs:
                for sentence in sentences:
                    self.by_norm[sentence.norm].add(aid)
                    hashes = _shingles(sentence.keys)
                    self.shingles_of[aid].update(hashes)
                    for h in hashes:
                        self.by_shingle[h].add(aid)
                    if len(sentence.keys) >= CONTAINED_MIN_WORDS:
                        for h in hashes:
                            self.piece_postings[h].append(len(self.pieces))
                        self.pieces.append((aid, hashes))

    def _containing(self, article: int, hashes: list[int]) -> set[int]:
        """Return the other articles holding nearly all of these shingles (maybe inside a longer text)."""
        hashes = sorted(hashes, key=lambda h: len(self.by_shingle[h]))
        needed = math.ceil(CONTAINED_SHARE * len(hashes))
        # An article holding `needed` of the hashes holds at least one of any len - needed + 1 of them.
        candidates = set().union(*(self.by_shingle[h] for h in hashes[: len(hashes) - needed + 1]))
        return {
            other
            for other in candidates - {article}
            if sum(h in self.shingles_of[other] for h in hashes) >= needed
        }

    def _cut_copies(self, article: int, hashes: frozenset[int]) -> set[int]:
        """Return the other articles holding a cut-off copy of this sentence: a sentence nearly all inside it,
        covering at least half of it."""
        needed = math.ceil(CUT_COPY_SHARE * len(hashes))
        rarest = sorted(hashes, key=lambda h: len(self.piece_postings[h]))[: len(hashes) - needed + 1]
        found = set()
        # A piece sharing `needed` shingles with the sentence holds one of any len - needed + 1 of them.
        for index in {i for h in rarest for i in self.piece_postings[h]}:
            aid, piece = self.pieces[index]
            if aid == article or aid in found:
                continue
            shared = len(piece & hashes)
            if shared >= needed and shared >= CONTAINED_SHARE * len(piece):
                found.add(aid)
        return found

    def occurrences(self, article: int, sentence: Sentence, enough: int) -> int:
        """Return in how many articles the sentence occurs, counting exact, nearly complete and cut copies."""
        found = self.by_norm[sentence.norm] | {article}
        if len(found) >= enough or len(sentence.keys) < CONTAINED_MIN_WORDS:
            return len(found)
        hashes = _shingles(sentence.keys)
        found = found | self._containing(article, list(hashes))
        if len(found) >= enough:
            return len(found)
        return len(found | self._cut_copies(article, hashes))


def _body_end(paragraphs: list[tuple[int, list[Sentence]]], counts: dict[int, list[int]], enough: int) -> int:
    """Return where the closing block of recurring paragraphs starts."""

    def recurring(pid: int, sentences: list[Sentence]) -> bool:
        total = sum(s.end - s.start for s in sentences)
        shared = sum(s.end - s.start for s, n in zip(sentences, counts[pid], strict=True) if n >= enough)
        return shared >= RECURRING_PARAGRAPH_SHARE * total

    body_end = len(paragraphs)
    while body_end and recurring(*paragraphs[body_end - 1]):
        body_end -= 1
    return body_end


def _closing_suggestions(
    paragraphs: list[tuple[int, list[Sentence]]], counts: dict[int, list[int]], enough: int
) -> list[Suggestion]:
    """Return the closing block of recurring paragraphs, and recurring sentences ending the last body one."""
    body_end = _body_end(paragraphs, counts, enough)
    if body_end == 0:
        # Every paragraph recurs: a same-publisher republication, where nothing tells the frame apart.
        return []
    found = [
        Suggestion(pid, sentences[0].start, sentences[-1].end, max(counts[pid]))
        for pid, sentences in paragraphs[body_end:]
    ]
    pid, sentences = paragraphs[body_end - 1]
    n = counts[pid]
    trail = len(sentences)
    while trail > 1 and n[trail - 1] >= enough:
        trail -= 1
    if trail < len(sentences):
        found.insert(0, Suggestion(pid, sentences[trail].start, sentences[-1].end, max(n[trail:])))
    return found


class _Counts(dict):
    """Occurrences of each sentence of one article's paragraphs, {paragraph id: [count per sentence]},
    computed on first use: only the closing paragraphs and the last body one are ever asked for."""

    def __init__(
        self, publisher: _Publisher, article: int, paragraphs: dict[int, list[Sentence]], enough: int
    ):
        super().__init__()
        self.publisher, self.article, self.paragraphs, self.enough = publisher, article, paragraphs, enough

    def __missing__(self, pid: int) -> list[int]:
        counts = [self.publisher.occurrences(self.article, s, self.enough) for s in self.paragraphs[pid]]
        self[pid] = counts
        return counts


def find(articles: dict[int, ArticleTexts], min_articles: int) -> dict[int, list[Suggestion]]:
    """Return suggestions per article id from one publisher's {article id: [(paragraph id, text)]}.

    Two passes: the first finds each article's closing block by recurrence anywhere; the second counts only
    recurrences inside other articles' closing blocks, so a republication whose last paragraph is the
    original's body text does not turn that text into boilerplate.
    """
    publisher = _Publisher(articles)
    kept = {
        aid: [(pid, sentences) for pid, sentences in paragraphs if sentences]
        for aid, paragraphs in publisher.sentences.items()
    }
    counts = {aid: _Counts(publisher, aid, dict(paras), min_articles) for aid, paras in kept.items()}
    closing = {
        aid: {pid for pid, _ in paras[_body_end(paras, counts[aid], min_articles) :]}
        for aid, paras in kept.items()
    }
    frames = _Publisher(
        {aid: [(pid, text) for pid, text in articles[aid] if pid in closing[aid]] for aid in articles}
    )
    for aid, paragraphs in frames.sentences.items():
        for pid, sentences in paragraphs:
            counts[aid][pid] = [frames.occurrences(aid, s, min_articles) for s in sentences]
    return {
        aid: _closing_suggestions(paras, counts[aid], min_articles) if paras else []
        for aid, paras in kept.items()
    }


def _chronological(publisher_id: int) -> list[int]:
    articles = Article.objects.visible().filter(publisher_id=publisher_id).only("published_on", "imported_at")
    return [a.pk for a in sorted(articles, key=age_key)]


def _texts(article_ids: list[int]) -> dict[int, ArticleTexts]:
    texts: dict[int, ArticleTexts] = {aid: [] for aid in article_ids}
    rows = Paragraph.objects.filter(article_id__in=article_ids).order_by("article_id", "position")
    for aid, pid, text in rows.values_list("article_id", "id", "text"):
        texts[aid].append((pid, text))
    return texts


@transaction.atomic
def refresh(publisher_id: int, articles: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
    """Recompute and store a publisher's suggestions; return the new ones as (paragraph, start, end).

    The publisher's articles are taken in chronological blocks of WINDOW, each compared with itself and the
    block before, so the cost of one new article does not grow with the size of its outlet. Given
    `articles`, only the blocks holding them are recomputed. Unchanged suggestions keep their rows (and
    ids), so a page showing them stays valid.
    """
    order = _chronological(publisher_id)
    blocks = [order[i : i + WINDOW] for i in range(0, len(order), WINDOW)]
    chosen = set(order if articles is None else articles)
    wanted: dict[tuple[int, int, int], tuple[int, int]] = {}
    scope: list[int] = []
    for i, block in enumerate(blocks):
        if chosen.isdisjoint(block):
            continue
        context = (blocks[i - 1] if i else []) + block
        found = find(_texts(context), settings.BOILERPLATE_MIN_ARTICLES)
        wanted |= {(s.paragraph, s.start, s.end): (aid, s.occurrences) for aid in block for s in found[aid]}
        scope += block
    existing = BoilerplateSuggestion.objects.filter(article_id__in=scope)
    if articles is None:
        # A full refresh also forgets the suggestions of articles deleted since.
        existing = BoilerplateSuggestion.objects.filter(article__publisher_id=publisher_id)
    stale, changed = [], []
    for suggestion in existing:
        key = (suggestion.paragraph_id, suggestion.start, suggestion.end)
        if key not in wanted:
            stale.append(suggestion.pk)
            continue
        occurrences = wanted.pop(key)[1]
        if suggestion.occurrences != occurrences:
            suggestion.occurrences = occurrences
            changed.append(suggestion)
    BoilerplateSuggestion.objects.filter(pk__in=stale).delete()
    BoilerplateSuggestion.objects.bulk_update(changed, ["occurrences"])
    BoilerplateSuggestion.objects.bulk_create(
        BoilerplateSuggestion(article_id=aid, paragraph_id=pid, start=start, end=end, occurrences=n)
        for (pid, start, end), (aid, n) in wanted.items()
    )
    return list(wanted)
