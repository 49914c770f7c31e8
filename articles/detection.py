"""Reuse detection against the stored corpus: the n-gram index in the database and the passages it yields.

For each article: its index keys (`passages.Document.index_keys`) are looked up in `ReuseFingerprint`
(indexed by hash); the articles sharing enough keys are the candidates, and `passages.align` aligns the
article with each of them, the earlier one first. Every passage found becomes one `ReuseLink`; then the
article's own keys join the index. The cost per article depends on its own length, on the (capped) postings
of its keys and on the (capped) number of candidates, not on the size of the corpus.

Boilerplate: text suggested as boilerplate of an article's publisher is blanked before aligning, so a
footer is never linked, whoever else carries it; text shared by articles of different publishers is reuse
unless it is such a footer for one of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import NamedTuple

from cachetools import LRUCache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from articles import boilerplate
from articles.gc_pause import cycle_collector_paused
from articles.models import Article, BoilerplateSuggestion, Paragraph, ReuseFingerprint, ReuseLink, ReuseScan
from articles.passages import PARAGRAPH_SEPARATOR, Document, Passage, align, article_text, paragraph_range
from articles.sentences import AgeFields, age_key

# The index keeps the first MAX_POSTINGS articles holding each key. Common pairs of words reach the limit
# soon and stop growing, so a lookup reads a bounded number of rows whatever the size of the corpus, while
# text copied many times is still found through its earliest copies.
MAX_POSTINGS = 25
# A candidate shares at least MIN_SHARED_KEYS keys with the article, rare enough that the sum of
# 1 / postings of the keys shared reaches MIN_RARITY (three keys held by 25 articles each make 0.12); the
# MAX_CANDIDATES with the highest sum are aligned. On pan13-dev these find 473 of the 480 reusing pairs,
# one fewer than without MIN_RARITY, at a fifth of the candidates per article on the synthetic corpus.
MIN_SHARED_KEYS = 3
MIN_RARITY = 0.75
MAX_CANDIDATES = 50
# A link whose side lies at least this much on text that later turned out to be boilerplate is dropped.
BOILERPLATE_SHARE = 0.5
_CHUNK = 500
# Characters of article text whose words and seeds one `detect` keeps for the next scans. They cost about
# 125 bytes a character (seeds mostly), so about 190 MB while it runs: some 600 articles of 2,500 characters,
# fewer long ones. Bounded by characters, not articles, so that long documents cannot multiply it.
TEXT_CHARACTERS_KEPT = 1_500_000
_READ_AHEAD = 100

ArticleParagraphs = list[tuple[int, str]]


def _postings(hashes: set[int]) -> list[tuple[int, int]]:
    """Return the index rows (hash, article) of the given hashes, deleted articles left out.

    Plain SQL: one lookup per scan, whose compilation through the ORM cost more than running it.
    """
    ordered = sorted(hashes)
    quote = connection.ops.quote_name
    index, articles = ReuseFingerprint._meta, Article._meta
    hash_column, article_column = (quote(index.get_field(name).column) for name in ("hash", "article"))
    # Excluding deleted articles by subquery rather than a join keeps SQLite on the hash index.
    deleted = (
        f"SELECT {quote(articles.pk.column)} FROM {quote(articles.db_table)} "
        f"WHERE {quote(articles.get_field('deleted_at').column)} IS NOT NULL"
    )
    rows: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        for i in range(0, len(ordered), _CHUNK):
            chunk = ordered[i : i + _CHUNK]
            cursor.execute(
                f"SELECT {hash_column}, {article_column} FROM {quote(index.db_table)} "
                f"WHERE {hash_column} IN ({', '.join(['%s'] * len(chunk))}) "
                f"AND {article_column} NOT IN ({deleted})",
                chunk,
            )
            rows += cursor.fetchall()
    return rows


def candidates(article_id: int, postings: list[tuple[int, int]]) -> list[int]:
    """Return the articles worth aligning with this one, those sharing the rarest keys first."""
    holders: dict[int, list[int]] = defaultdict(list)
    for h, aid in postings:
        holders[h].append(aid)
    shared: Counter[int] = Counter()
    weight: Counter[int] = Counter()
    for aids in holders.values():
        for aid in aids:
            shared[aid] += 1
            weight[aid] += 1 / len(aids)
    ranked = [
        aid
        for aid, rarity in weight.most_common()
        if shared[aid] >= MIN_SHARED_KEYS and rarity >= MIN_RARITY and aid != article_id
    ]
    return ranked[:MAX_CANDIDATES]


Signature = tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]


def _read_paragraphs(
    article_ids: list[int], *, texts: bool = True
) -> dict[int, tuple[ArticleParagraphs, Signature]]:
    """Return {article: ([(paragraph id, text)] in reading order, signature)}, suggested boilerplate blanked.

    Blanking keeps every offset: the aligner sees no words there, and the ranges it returns stay right. The
    signature (each paragraph's id and length, and the boilerplate blanked in it) changes when what the
    aligner reads of the article changes: a kept text is checked against it. With `texts=False` only the
    signatures are read (the paragraphs come back empty).
    """
    found: dict[int, tuple[ArticleParagraphs, list]] = {aid: ([], []) for aid in article_ids}
    footers: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in range(0, len(article_ids), _CHUNK):
        chunk = article_ids[i : i + _CHUNK]
        rows = BoilerplateSuggestion.objects.filter(article_id__in=chunk)
        for pid, start, end in rows.values_list("paragraph_id", "start", "end"):
            footers[pid].append((start, end))
        rows = Paragraph.objects.filter(article_id__in=chunk).order_by("article_id", "position")
        if not texts:
            for aid, pid, length in rows.values_list("article_id", "id", Length("text")):
                found[aid][1].append((pid, length, tuple(sorted(footers.get(pid, ())))))
            continue
        for aid, pid, text in rows.values_list("article_id", "id", "text"):
            found[aid][1].append((pid, len(text), tuple(sorted(footers.get(pid, ())))))
            for start, end in footers.get(pid, ()):
                text = text[:start] + " " * (end - start) + text[end:]
            found[aid][0].append((pid, text))
    return {aid: (paragraphs, tuple(signature)) for aid, (paragraphs, signature) in found.items()}


def _side(paragraphs: ArticleParagraphs, start: int, end: int) -> dict:
    first, first_offset, last, last_offset = paragraph_range([text for _, text in paragraphs], start, end)
    return {
        "start_paragraph_id": paragraphs[first][0],
        "start": first_offset,
        "end_paragraph_id": paragraphs[last][0],
        "end": last_offset,
        "article_start": start,
        "article_end": end,
    }


def _link(
    earlier: tuple[int, ArticleParagraphs], later: tuple[int, ArticleParagraphs], p: Passage
) -> ReuseLink:
    fields = {"earlier_article_id": earlier[0], "later_article_id": later[0]}
    fields |= {f"earlier_{k}": v for k, v in _side(earlier[1], p.a_start, p.a_end).items()}
    fields |= {f"later_{k}": v for k, v in _side(later[1], p.b_start, p.b_end).items()}
    return ReuseLink(kind=p.kind.value, similarity=p.similarity, **fields)


class _Text(NamedTuple):
    """What aligning with one article needs: its paragraphs, their `Document` and its age, and the signature
    of the rows they were read from."""

    paragraphs: ArticleParagraphs
    document: Document
    age: tuple
    signature: Signature


def _characters(text: _Text) -> int:
    return max(1, len(text.document.text))


class Texts:
    """The articles' texts as scans read them, the least recently used dropped beyond `characters`.

    Cutting a candidate into words and seeds costs more than aligning with it, and the same articles are
    candidates of scan after scan, so one `detect` keeps them. Other processes may change what a kept text
    was read from meanwhile (a boilerplate refresh after an import, a paragraph edited or deleted in the
    admin): every read-ahead, that is every `_READ_AHEAD` scans, drops the kept texts whose signature
    changed. Without a budget, every article is read again.
    """

    def __init__(self, characters: int = 0) -> None:
        self.kept: LRUCache[int, _Text] | None = (
            LRUCache(maxsize=characters, getsizeof=_characters) if characters else None
        )
        self.ahead: dict[int, _Text] = {}

    def read_ahead(self, article_ids: list[int]) -> None:
        """Drop the kept texts that changed, then read the texts of the articles about to be scanned in one
        go (three queries, not three each)."""
        kept = self.kept if self.kept is not None else {}
        if kept:
            now = _read_paragraphs(list(kept), texts=False)
            for aid in [aid for aid, text in kept.items() if now[aid][1] != text.signature]:
                del kept[aid]
        self.ahead = self._read([aid for aid in article_ids if aid not in kept])

    def get(self, article_ids: list[int]) -> dict[int, _Text]:
        kept = self.kept if self.kept is not None else {}
        # Reading an entry of the LRU cache makes it the most recently used.
        found = {aid: kept[aid] for aid in article_ids if aid in kept}
        found |= {aid: self.ahead.pop(aid) for aid in article_ids if aid in self.ahead}
        found |= self._read([aid for aid in article_ids if aid not in found])
        if self.kept is not None:
            for aid in article_ids:
                if aid not in self.kept:
                    with suppress(ValueError):  # a text larger than the whole budget is not kept
                        self.kept[aid] = found[aid]
        # In the order asked for: candidates are aligned, and their links stored, in order of rank.
        return {aid: found[aid] for aid in article_ids}

    @staticmethod
    def _read(article_ids: list[int]) -> dict[int, _Text]:
        if not article_ids:
            return {}
        read = _read_paragraphs(article_ids)
        rows = Article.objects.filter(pk__in=article_ids).values_list(*AgeFields._fields)
        ages = {row[0]: age_key(AgeFields._make(row)) for row in rows}
        return {
            aid: _Text(paragraphs, Document(article_text([t for _, t in paragraphs])), ages[aid], signature)
            for aid, (paragraphs, signature) in read.items()
        }


def _links(article_id: int, mine: _Text, others: dict[int, _Text]) -> list[ReuseLink]:
    """Return one link per passage the article shares with each of the others, the earlier one first."""
    links = []
    for aid, other in others.items():
        if other.age < mine.age:
            pairs = align(other.document, mine.document)
            links += [_link((aid, other.paragraphs), (article_id, mine.paragraphs), p) for p in pairs]
        else:
            pairs = align(mine.document, other.document)
            links += [_link((article_id, mine.paragraphs), (aid, other.paragraphs), p) for p in pairs]
    return links


def _insert_fingerprints(rows: Iterable[tuple[int, int]]) -> int:
    """Insert (hash, article) rows with one executemany; return how many.

    Several times faster than model instances through bulk_create, and the values are plain integers, so
    nothing is lost by skipping the fields' preparation.
    """
    opts = ReuseFingerprint._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in ("hash", "article"))
    params = list(rows)
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES (%s, %s)", params)
    return len(params)


def scan(article: Article, *, skip_scanned: bool = False, texts: Texts | None = None) -> int:
    """Link one article to the indexed corpus and add it to the index; return how many links it has.

    The reading and aligning happen outside any transaction and the writes in one short one, so the write
    lock (SQLite's is database-wide) is held for milliseconds per article, not for the alignment. Running
    it again gives the same result: the article's links and fingerprints are replaced. With
    `skip_scanned`, an article scanned meanwhile (by another worker) is left as it is and counts no links.
    `texts` may hold the texts of articles read before (see `Texts`).
    """
    texts = texts or Texts()
    mine = texts.get([article.pk])[article.pk]
    keys = mine.document.index_keys
    # The article's own rows from an earlier scan are about to be replaced, so they neither count as a
    # candidate nor fill a key's postings.
    postings = [(h, aid) for h, aid in _postings(keys) if aid != article.pk]
    others = texts.get(candidates(article.pk, postings))
    links = _links(article.pk, mine, others)
    held = Counter(h for h, _ in postings)
    with transaction.atomic():
        # Locking the article's row makes a second worker on the same article wait here, then skip it.
        list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk", flat=True))
        if skip_scanned and ReuseScan.objects.filter(article=article).exists():
            return 0
        ReuseLink.objects.involving(article).delete()
        ReuseFingerprint.objects.filter(article=article).delete()
        ReuseLink.objects.bulk_create(links)
        added = _insert_fingerprints((h, article.pk) for h in keys if held[h] < MAX_POSTINGS)
        # What update_or_create does, without its savepoint and second lookup: the row is locked already.
        scanned = ReuseScan.objects.filter(article=article)
        if not scanned.update(fingerprints=added, scanned_at=timezone.now()):
            ReuseScan.objects.create(article=article, fingerprints=added)
    return len(links)


def _article_ranges(ranges: Iterable[tuple[int, int, int]]) -> dict[int, list[tuple[int, int]]]:
    """Return paragraph ranges (paragraph, start, end) as article-level ranges, per article."""
    by_paragraph = defaultdict(list)
    for pid, start, end in ranges:
        by_paragraph[pid].append((start, end))
    articles = set(Paragraph.objects.filter(pk__in=list(by_paragraph)).values_list("article_id", flat=True))
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = Paragraph.objects.filter(article_id__in=articles).order_by("article_id", "position")
    at, current = 0, None
    for aid, pid, text in rows.values_list("article_id", "id", "text"):
        at = 0 if aid != current else at
        current = aid
        found[aid] += [(at + start, at + end) for start, end in by_paragraph.get(pid, ())]
        at += len(text) + len(PARAGRAPH_SEPARATOR)
    return found


def _share_on(ranges: list[tuple[int, int]], start: int, end: int) -> float:
    covered = sum(max(0, min(end, e) - max(start, s)) for s, e in ranges)
    return covered / (end - start)


def drop_links_on(ranges: Iterable[tuple[int, int, int]]) -> int:
    """Delete the links with a side lying mostly on one of the (paragraph, start, end) ranges; return how
    many."""
    footers = _article_ranges(ranges)
    doomed = []
    touched = ReuseLink.objects.filter(Q(earlier_article__in=footers) | Q(later_article__in=footers))
    rows = touched.values_list(
        "pk", "earlier_article_id", "earlier_article_start", "earlier_article_end",
        "later_article_id", "later_article_start", "later_article_end",
    )  # fmt: skip
    for pk, *sides in rows:
        for aid, start, end in (sides[:3], sides[3:]):
            if aid in footers and _share_on(footers[aid], start, end) >= BOILERPLATE_SHARE:
                doomed.append(pk)
                break
    return ReuseLink.objects.filter(pk__in=doomed).delete()[0]


def detect(
    article_ids: Iterable[int],
    progress: Callable[[Article], None] | None = None,
    *,
    skip_scanned: bool = False,
    publisher_progress: Callable[[int], None] | None = None,
) -> int:
    """Refresh the boilerplate of the articles' publishers, then scan each article, oldest first.

    Return the number of links the scanned articles have. With `skip_scanned`, articles that have a
    `ReuseScan` are left alone, so a task run again after its worker died only does what is left.
    `publisher_progress` is called with each publisher's id once its boilerplate is refreshed, `progress`
    with each article once it is scanned.
    """
    # Sentences, words and seeds are many small objects without cycles, and the caches keep thousands of
    # them: the cycle collector would walk them all again and again (a tenth of a rebuild's time).
    with cycle_collector_paused():
        articles = Article.objects.visible().filter(pk__in=list(article_ids))
        if skip_scanned:
            articles = articles.exclude(pk__in=ReuseScan.objects.values("article_id"))
        articles = sorted(articles, key=age_key)
        publishers = sorted({a.publisher_id for a in articles})
        for publisher_id in publishers:
            chosen = [a.pk for a in articles if a.publisher_id == publisher_id]
            wanted = boilerplate.plan(publisher_id, chosen)
            with transaction.atomic():
                drop_links_on(boilerplate.store(wanted))
            if publisher_progress is not None:
                publisher_progress(publisher_id)
        total = 0
        texts = Texts(TEXT_CHARACTERS_KEPT)
        for i, article in enumerate(articles):
            if i % _READ_AHEAD == 0:
                texts.read_ahead([a.pk for a in articles[i : i + _READ_AHEAD]])
            total += scan(article, skip_scanned=skip_scanned, texts=texts)
            if progress is not None:
                progress(article)
    return total


def publishers_of(article_ids: Iterable[int]) -> int:
    """Return how many publishers the visible articles have: the boilerplate steps `detect` will take."""
    articles = Article.objects.visible().filter(pk__in=list(article_ids))
    return articles.values("publisher_id").distinct().count()


def pending() -> list[int]:
    """Return the ids of visible articles not scanned yet."""
    scanned = ReuseScan.objects.values("article_id")
    return list(Article.objects.visible().exclude(pk__in=scanned).values_list("pk", flat=True))


@transaction.atomic
def clear() -> None:
    """Forget every link, fingerprint, scan and suggestion (analysts' dismissals stay)."""
    for model in (ReuseLink, ReuseFingerprint, ReuseScan, BoilerplateSuggestion):
        model.objects.all().delete()
