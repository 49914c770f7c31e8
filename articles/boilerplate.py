"""Boilerplate: text that recurs across articles of one publisher (copyright lines, disclaimers, appeals).

The pure core (`find`) takes a publisher's articles as plain texts. A sentence recurs when its normalised text
appears in another article of the publisher, or when nearly all of its word shingles do (so a cut-off copy
of a disclaimer still counts). Recurring text is suggested only where boilerplate sits: the closing block of
paragraphs that recur in other articles' closing blocks (a few short lines of the article's own, such as a
credit or a date, may follow it and are not suggested), and the recurring sentences that end the last body
paragraph. A republished story shares its body with the original, so recurrence alone would flag the news
itself. For the same reason, once a publisher's frame is seen in articles that share no body text, text
recurring only between reposts of one story is taken for that story's words. `refresh` stores the
suggestions of one publisher.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from cachetools import LRUCache, cached
from django.conf import settings
from django.db import transaction

from articles.models import UNKNOWN_PUBLISHER, Article, BoilerplateSuggestion, Paragraph, Source
from articles.sentences import SHINGLE_WORDS, AgeFields, Sentence, age_key, split_sentences

CONTAINED_SHARE = 0.9
CONTAINED_MIN_WORDS = 5
CUT_COPY_SHARE = 0.5
RECURRING_PARAGRAPH_SHARE = 0.5
# Bylines, credits and dates often follow the frame and differ in every article: this many short paragraphs
# of at most this many words may end an article below its closing block without hiding it.
UNIQUE_TAIL_PARAGRAPHS = 2
UNIQUE_TAIL_WORDS = 30
# A body sentence this long found in two articles makes them versions of one story, not independent witnesses
# of the publisher's frame; shorter ones (datelines, "Region: ..." headers) recur between unrelated articles.
SHARED_BODY_MIN_WORDS = 8
# Articles of one publisher compared at once, in chronological blocks: boilerplate recurs in nearly every
# article of its time, so a window finds it while keeping each refresh independent of the outlet's size.
WINDOW = 50

ArticleTexts = list[tuple[int, str]]
Paragraphs = list[tuple[int, Sequence[Sentence]]]


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


@dataclass
class _Evidence:
    """When a sentence's holders (the articles carrying it) make it recur.

    `related` pairs articles that share body text. Once `independent_only` is set, the holders must include
    two unrelated articles: a repost pair repeating its own closing words is one witness, not two.
    """

    min_articles: int
    related: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    independent_only: bool = False

    def independent(self, holders: set[int]) -> bool:
        return any(holders - self.related[article] - {article} for article in holders)

    def recurs(self, holders: set[int]) -> bool:
        if len(holders) < self.min_articles:
            return False
        return not self.independent_only or self.independent(holders)


class _Postings:
    """Where each shingle occurs: {shingle: set of places}.

    Most shingles of a publisher occur in one place only, so a lone place is kept bare and a set is made
    only for the second: a container per shingle made up most of an index's cost (and its garbage
    collection)."""

    def __init__(self) -> None:
        self.first: dict[int, int] = {}
        self.more: dict[int, set[int]] = {}

    def add(self, shingles: Iterable[int], place: int) -> None:
        """Note that these shingles occur at this place (one call per sentence: calls cost, too)."""
        first, more = self.first, self.more
        for shingle in shingles:
            earlier = first.setdefault(shingle, place)
            if earlier != place:
                places = more.get(shingle)
                if places is None:
                    more[shingle] = {earlier, place}
                else:
                    places.add(place)

    def __getitem__(self, shingle: int) -> set[int]:
        """Return the places of a shingle (not to be changed by the caller)."""
        places = self.more.get(shingle)
        if places is not None:
            return places
        return {self.first[shingle]} if shingle in self.first else set()

    def count(self, shingle: int) -> int:
        places = self.more.get(shingle)
        if places is not None:
            return len(places)
        return 1 if shingle in self.first else 0


class _Publisher:
    """Where every sentence and shingle of one publisher's articles occurs."""

    def __init__(
        self,
        sentences: dict[int, Paragraphs],
        shingles: dict[Sentence, frozenset[int]],
    ) -> None:
        """Index the sentences; `shingles` caches each sentence's shingles across the indexes of one run."""
        self.sentences = sentences
        self.by_norm: dict[str, set[int]] = defaultdict(set)
        self.by_shingle = _Postings()
        self.shingles_of: dict[int, set[int]] = defaultdict(set)
        # Sentences long enough to be a cut-off copy: (article, shingles), and where each shingle occurs.
        self.pieces: list[tuple[int, frozenset[int]]] = []
        self.piece_postings = _Postings()
        self.shingles = shingles
        for aid, paragraphs in self.sentences.items():
            for _pid, sentences in paragraphs:
                for sentence in sentences:
                    self.by_norm[sentence.norm].add(aid)
                    hashes = self.shingles_of_sentence(sentence)
                    self.shingles_of[aid].update(hashes)
                    self.by_shingle.add(hashes, aid)
                    if len(sentence.keys) >= CONTAINED_MIN_WORDS:
                        self.piece_postings.add(hashes, len(self.pieces))
                        self.pieces.append((aid, hashes))

    def shingles_of_sentence(self, sentence: Sentence) -> frozenset[int]:
        if sentence not in self.shingles:
            self.shingles[sentence] = _shingles(sentence.keys)
        return self.shingles[sentence]

    def _containing(self, article: int, hashes: list[int]) -> set[int]:
        """Return the other articles holding nearly all of these shingles (maybe inside a longer text)."""
        hashes = sorted(hashes, key=self.by_shingle.count)
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
        rarest = sorted(hashes, key=self.piece_postings.count)[: len(hashes) - needed + 1]
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

    def sharing(self, article: int, sentence: Sentence) -> set[int]:
        """Return the other articles holding this sentence whole, maybe inside a longer one."""
        exact = self.by_norm[sentence.norm] - {article}
        return exact | self._containing(article, list(self.shingles_of_sentence(sentence)))

    def holders(self, article: int, sentence: Sentence, enough: Callable[[set[int]], bool]) -> set[int]:
        """Return the articles carrying the sentence (exact, nearly complete or cut copies), itself included;
        the search stops as soon as `enough` of them are found."""
        found = self.by_norm[sentence.norm] | {article}
        if enough(found) or len(sentence.keys) < CONTAINED_MIN_WORDS:
            return found
        hashes = self.shingles_of_sentence(sentence)
        found |= self._containing(article, list(hashes))
        if enough(found):
            return found
        return found | self._cut_copies(article, hashes)


class _Holders(dict):
    """The holders of each sentence of one article's paragraphs, {paragraph id: [holders per sentence]},
    computed on first use: only the closing paragraphs and the last body one are ever asked for."""

    def __init__(
        self,
        index: Callable[[int], _Publisher],
        article: int,
        paragraphs: dict[int, Sequence[Sentence]],
        evidence: _Evidence,
    ):
        super().__init__()
        self.index, self.article, self.paragraphs, self.evidence = index, article, paragraphs, evidence

    def __missing__(self, pid: int) -> list[set[int]]:
        index = self.index(pid)
        holders = [index.holders(self.article, s, self.evidence.recurs) for s in self.paragraphs[pid]]
        self[pid] = holders
        return holders


def _words(sentences: Sequence[Sentence]) -> int:
    return sum(len(s.keys) for s in sentences)


def _recurring(sentences: Sequence[Sentence], holders: list[set[int]], evidence: _Evidence) -> bool:
    total = sum(s.end - s.start for s in sentences)
    shared = sum(s.end - s.start for s, h in zip(sentences, holders, strict=True) if evidence.recurs(h))
    return shared >= RECURRING_PARAGRAPH_SHARE * total


def _closing_start(paragraphs: Paragraphs, holders: _Holders, evidence: _Evidence) -> int:
    """Return where the closing block starts: recurring paragraphs, maybe followed by a short unique tail.

    Returns len(paragraphs) when there is no block; a tail without recurring paragraphs above is no block.
    """
    tail = len(paragraphs)
    while (
        len(paragraphs) - tail < UNIQUE_TAIL_PARAGRAPHS
        and tail
        and _words(paragraphs[tail - 1][1]) <= UNIQUE_TAIL_WORDS
        and not _recurring(paragraphs[tail - 1][1], holders[paragraphs[tail - 1][0]], evidence)
    ):
        tail -= 1
    start = tail
    while start and _recurring(paragraphs[start - 1][1], holders[paragraphs[start - 1][0]], evidence):
        start -= 1
    return len(paragraphs) if start == tail else start


def _runs(
    pid: int, sentences: Sequence[Sentence], holders: list[set[int]], evidence: _Evidence
) -> list[Suggestion]:
    """Return the runs of recurring sentences of a paragraph, one suggestion each."""
    found: list[Suggestion] = []
    run: list[int] = []
    for i in [*range(len(sentences)), None]:
        if i is not None and evidence.recurs(holders[i]):
            run.append(i)
            continue
        if run:
            found.append(
                Suggestion(
                    pid, sentences[run[0]].start, sentences[run[-1]].end, max(len(holders[j]) for j in run)
                )
            )
            run = []
    return found


def _closing_suggestions(paragraphs: Paragraphs, holders: _Holders, evidence: _Evidence) -> list[Suggestion]:
    """Return the closing block's recurring paragraphs, the recurring sentences inside its unique tail, and
    the recurring sentences ending the last body paragraph."""
    start = _closing_start(paragraphs, holders, evidence)
    if start == 0:
        # Every paragraph recurs: a same-publisher republication, where nothing tells the frame apart.
        return []
    found = []
    for pid, sentences in paragraphs[start:]:
        if _recurring(sentences, holders[pid], evidence):
            found.append(Suggestion(pid, sentences[0].start, sentences[-1].end, max(map(len, holders[pid]))))
        else:
            found += _runs(pid, sentences, holders[pid], evidence)
    pid, sentences = paragraphs[start - 1]
    counts = holders[pid]
    trail = len(sentences)
    while trail > 1 and evidence.recurs(counts[trail - 1]):
        trail -= 1
    if trail < len(sentences):
        occurrences = max(len(h) for h in counts[trail:])
        found.insert(0, Suggestion(pid, sentences[trail].start, sentences[-1].end, occurrences))
    return found


def _related(publisher: _Publisher, bodies: dict[int, Paragraphs]) -> dict[int, set[int]]:
    """Return, per article, the other articles holding a long sentence of its body: versions of one story.

    The other article may hold it anywhere: a repost's whole text can recur in a longer version, leaving it
    no body of its own."""
    related: dict[int, set[int]] = defaultdict(set)
    for aid, paragraphs in bodies.items():
        for _pid, sentences in paragraphs:
            for sentence in sentences:
                if len(sentence.keys) >= SHARED_BODY_MIN_WORDS:
                    related[aid] |= publisher.sharing(aid, sentence)
    # Sharing is mutual even when only the longer version holds the whole sentence.
    for aid, others in list(related.items()):
        for other in others:
            related[other].add(aid)
    return related


def find(articles: dict[int, ArticleTexts], min_articles: int) -> dict[int, list[Suggestion]]:
    """Return suggestions per article id from one publisher's {article id: [(paragraph id, text)]}.

    Two passes: the first finds each article's closing block by recurrence anywhere; the second counts only
    recurrences inside other articles' closing blocks, so a republication whose last paragraph is the
    original's body text does not turn that text into boilerplate. Between them, articles sharing body text
    are paired up: if some closing text recurs in unrelated articles, the publisher's frame is known, and
    closing text found only within one such group of versions is not suggested.
    """
    return _find({aid: _split(paragraphs) for aid, paragraphs in articles.items()}, min_articles, {})


def _split(paragraphs: ArticleTexts) -> Paragraphs:
    return [(pid, sentences) for pid, text in paragraphs if (sentences := _sentences(pid, text))]


# Characters of paragraph text whose sentences stay cut, in every process (the worker's for as long as it
# runs): about 25 bytes a character, so about 50 MB; each refresh reads a block and the one before, some
# 250,000 characters of news.
SENTENCE_CHARACTERS_KEPT = 2_000_000


def _cut_size(sentences: tuple[Sentence, ...]) -> int:
    return max(1, sum(s.end - s.start for s in sentences))


# Each refresh for one new article cuts its block and the block before into sentences again: about a hundred
# articles, most of the cost of the refresh. The cut depends only on the text, so it is kept per paragraph,
# keyed by the text too (a paragraph without spans may still be edited). The sentences are never changed by
# their users, and the identity of each lets the shingle caches of `_find` and `plan` serve it again. Bounded
# by characters, so that long paragraphs cannot multiply its size; locked, as web requests refresh too.
@cached(
    LRUCache(maxsize=SENTENCE_CHARACTERS_KEPT, getsizeof=_cut_size),
    key=lambda pid, text: (pid, text),
    lock=threading.Lock(),
)
def _sentences(pid: int, text: str) -> tuple[Sentence, ...]:
    return tuple(split_sentences(text, pid))


def _find(
    kept: dict[int, Paragraphs],
    min_articles: int,
    shingles: dict[Sentence, frozenset[int]],
    only: Collection[int] | None = None,
) -> dict[int, list[Suggestion]]:
    """`find` on articles already cut into sentences, returning the suggestions of the articles in `only`
    (all by default; the others still count as evidence); `shingles` caches each sentence's shingles, also
    across calls on the same sentences."""
    publisher = _Publisher(kept, shingles)
    anywhere = _Evidence(min_articles)
    first = {aid: _Holders(lambda _pid: publisher, aid, dict(paras), anywhere) for aid, paras in kept.items()}
    closing = {
        aid: {pid for pid, _ in paras[_closing_start(paras, first[aid], anywhere) :]}
        for aid, paras in kept.items()
    }

    def part(inside: bool) -> dict[int, Paragraphs]:
        return {aid: [p for p in paras if (p[0] in closing[aid]) == inside] for aid, paras in kept.items()}

    frames = _Publisher(part(inside=True), shingles)
    independent = _Evidence(min_articles, _related(publisher, part(inside=False)), independent_only=True)
    final = {
        aid: _Holders(
            lambda pid, aid=aid: frames if pid in closing[aid] else publisher, aid, dict(paras), independent
        )
        for aid, paras in kept.items()
    }
    frame_known = any(
        independent.recurs(h) for aid, paras in kept.items() for pid in closing[aid] for h in final[aid][pid]
    )
    evidence = independent if frame_known else anywhere
    return {
        aid: _closing_suggestions(paras, final[aid], evidence) if paras else []
        for aid, paras in kept.items()
        if only is None or aid in only
    }


def _chronological(publisher_id: int) -> list[int]:
    articles = Article.objects.visible().filter(publisher_id=publisher_id)
    rows = articles.values_list(*AgeFields._fields)
    return [a.pk for a in sorted(map(AgeFields._make, rows), key=age_key)]


def _texts(article_ids: list[int]) -> dict[int, ArticleTexts]:
    texts: dict[int, ArticleTexts] = {aid: [] for aid in article_ids}
    rows = Paragraph.objects.filter(article_id__in=article_ids).order_by("article_id", "position")
    for aid, pid, text in rows.values_list("article_id", "id", "text"):
        texts[aid].append((pid, text))
    return texts


@transaction.atomic
def refresh(publisher_id: int, articles: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
    """Recompute and store a publisher's suggestions; return the new ones as (paragraph, start, end).

    The articles filed under "Unknown publisher" form no group and get no suggestions.

    The publisher's articles are taken in chronological blocks of WINDOW, each compared with itself and the
    block before, so the cost of one new article does not grow with the size of its outlet. Given
    `articles`, only the blocks holding them are recomputed. Unchanged suggestions keep their rows (and
    ids), so a page showing them stays valid.
    """
    with transaction.atomic():
        return store(plan(publisher_id, articles))


@dataclass(frozen=True)
class Plan:
    """The suggestions a refresh wants for `scope` (all the publisher's when `scope` is None)."""

    publisher_id: int
    wanted: dict[tuple[int, int, int], tuple[int, int]]
    scope: list[int] | None


def plan(publisher_id: int, articles: Iterable[int] | None = None) -> Plan:
    """Return the suggestions `refresh` would store, reading only, so no write lock is held meanwhile."""
    if Source.objects.filter(pk=publisher_id, name=UNKNOWN_PUBLISHER).exists():
        # Articles without a publisher share no frame: closing text they have in common is reuse.
        return Plan(publisher_id, {}, None)
    order = _chronological(publisher_id)
    blocks = [order[i : i + WINDOW] for i in range(0, len(order), WINDOW)]
    chosen = set(order if articles is None else articles)
    wanted: dict[tuple[int, int, int], tuple[int, int]] = {}
    scope: list[int] = []
    # Each block is also the context of the next one: cut it into sentences (and shingles) once.
    kept: dict[int, Paragraphs] = {}
    shingles: dict[Sentence, frozenset[int]] = {}
    for i, block in enumerate(blocks):
        if chosen.isdisjoint(block):
            continue
        context = (blocks[i - 1] if i else []) + block
        fresh = _texts([aid for aid in context if aid not in kept])
        kept = {aid: kept[aid] if aid in kept else _split(fresh[aid]) for aid in context}
        found = _find(kept, settings.BOILERPLATE_MIN_ARTICLES, shingles, block)
        wanted |= {(s.paragraph, s.start, s.end): (aid, s.occurrences) for aid in block for s in found[aid]}
        scope += block
        # Every sentence of the context has its shingles now; only this block's are needed again.
        shingles = {s: shingles[s] for aid in block for _pid, sentences in kept[aid] for s in sentences}
    # A full refresh also forgets the suggestions of articles deleted since.
    return Plan(publisher_id, wanted, None if articles is None else scope)


def store(planned: Plan) -> list[tuple[int, int, int]]:
    """Write planned suggestions; return the new ones as (paragraph, start, end). Call it in a transaction."""
    if planned.scope is None:
        existing = BoilerplateSuggestion.objects.filter(article__publisher_id=planned.publisher_id)
    else:
        existing = BoilerplateSuggestion.objects.filter(article_id__in=planned.scope)
    wanted = dict(planned.wanted)
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
