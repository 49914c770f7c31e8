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

from django.db import connection, transaction
from django.db.models import Q

from articles import boilerplate
from articles.models import Article, BoilerplateSuggestion, Paragraph, ReuseFingerprint, ReuseLink, ReuseScan
from articles.passages import PARAGRAPH_SEPARATOR, Document, Passage, align, article_text, paragraph_range
from articles.sentences import age_key

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

ArticleParagraphs = list[tuple[int, str]]


def _postings(hashes: set[int]) -> list[tuple[int, int]]:
    """Return the index rows (hash, article) of the given hashes, deleted articles left out."""
    ordered = sorted(hashes)
    # Excluding deleted articles by subquery rather than a join keeps SQLite on the hash index.
    deleted = Article.objects.filter(deleted_at__isnull=False).values("pk")
    rows: list[tuple[int, int]] = []
    for i in range(0, len(ordered), _CHUNK):
        rows += (
            ReuseFingerprint.objects.filter(hash__in=ordered[i : i + _CHUNK])
            .exclude(article_id__in=deleted)
            .values_list("hash", "article_id")
        )
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


def _paragraphs(article_ids: list[int]) -> dict[int, ArticleParagraphs]:
    """Return {article: [(paragraph id, text)]} in reading order, suggested boilerplate blanked out.

    Blanking keeps every offset: the aligner sees no words there, and the ranges it returns stay right.
    """
    found: dict[int, ArticleParagraphs] = {aid: [] for aid in article_ids}
    footers: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in range(0, len(article_ids), _CHUNK):
        chunk = article_ids[i : i + _CHUNK]
        rows = BoilerplateSuggestion.objects.filter(article_id__in=chunk)
        for pid, start, end in rows.values_list("paragraph_id", "start", "end"):
            footers[pid].append((start, end))
        rows = Paragraph.objects.filter(article_id__in=chunk).order_by("article_id", "position")
        for aid, pid, text in rows.values_list("article_id", "id", "text"):
            for start, end in footers.get(pid, ()):
                text = text[:start] + " " * (end - start) + text[end:]
            found[aid].append((pid, text))
    return found


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


def _links(
    article: Article, mine: ArticleParagraphs, document: Document, others: list[int]
) -> list[ReuseLink]:
    """Return one link per passage the article (its paragraphs and their Document) shares with each other."""
    texts = _paragraphs(others)
    ages = {
        a.pk: age_key(a) for a in Article.objects.filter(pk__in=others).only("published_on", "imported_at")
    }
    links = []
    for aid in others:
        theirs = texts[aid]
        other = Document(article_text([text for _, text in theirs]))
        if ages[aid] < age_key(article):
            links += [_link((aid, theirs), (article.pk, mine), p) for p in align(other, document)]
        else:
            links += [_link((article.pk, mine), (aid, theirs), p) for p in align(document, other)]
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


def scan(article: Article, *, skip_scanned: bool = False) -> int:
    """Link one article to the indexed corpus and add it to the index; return how many links it has.

    The reading and aligning happen outside any transaction and the writes in one short one, so the write
    lock (SQLite's is database-wide) is held for milliseconds per article, not for the alignment. Running
    it again gives the same result: the article's links and fingerprints are replaced. With
    `skip_scanned`, an article scanned meanwhile (by another worker) is left as it is and counts no links.
    """
    mine = _paragraphs([article.pk])[article.pk]
    document = Document(article_text([text for _, text in mine]))
    keys = document.index_keys
    # The article's own rows from an earlier scan are about to be replaced, so they neither count as a
    # candidate nor fill a key's postings.
    postings = [(h, aid) for h, aid in _postings(keys) if aid != article.pk]
    links = _links(article, mine, document, candidates(article.pk, postings))
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
        ReuseScan.objects.update_or_create(article=article, defaults={"fingerprints": added})
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
) -> int:
    """Refresh the boilerplate of the articles' publishers, then scan each article, oldest first.

    Return the number of links the scanned articles have. With `skip_scanned`, articles that have a
    `ReuseScan` are left alone, so a task run again after its worker died only does what is left.
    """
    articles = Article.objects.visible().filter(pk__in=list(article_ids))
    if skip_scanned:
        articles = articles.exclude(pk__in=ReuseScan.objects.values("article_id"))
    articles = sorted(articles, key=age_key)
    for publisher_id in sorted({a.publisher_id for a in articles}):
        wanted = boilerplate.plan(publisher_id, [a.pk for a in articles if a.publisher_id == publisher_id])
        with transaction.atomic():
            drop_links_on(boilerplate.store(wanted))
    total = 0
    for article in articles:
        total += scan(article, skip_scanned=skip_scanned)
        if progress is not None:
            progress(article)
    return total


def pending() -> list[int]:
    """Return the ids of visible articles not scanned yet."""
    scanned = ReuseScan.objects.values("article_id")
    return list(Article.objects.visible().exclude(pk__in=scanned).values_list("pk", flat=True))


@transaction.atomic
def clear() -> None:
    """Forget every link, fingerprint, scan and suggestion (analysts' dismissals stay)."""
    for model in (ReuseLink, ReuseFingerprint, ReuseScan, BoilerplateSuggestion):
        model.objects.all().delete()
