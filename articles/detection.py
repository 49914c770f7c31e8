"""Reuse detection against the stored corpus: the n-gram index in the database and the links it yields.

For each article: its sentences' fingerprints are looked up in `ReuseFingerprint` (indexed by hash), the
sentences sharing enough of them are classified by `sentences.classify`, and the matches are stored as
`ReuseLink`s; then the article's own fingerprints join the index. The cost per article depends on its own
length and on the (capped) postings of its fingerprints, not on the size of the corpus.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Q

from articles import boilerplate
from articles.models import (
    Article,
    BoilerplateSuggestion,
    Paragraph,
    ReuseFingerprint,
    ReuseLink,
    ReuseScan,
)
from articles.sentences import Match, Sentence, age_key, classify, fingerprints, sentence_at, split_paragraphs

# The index keeps the first MAX_POSTINGS sentences holding each fingerprint. Common phrasing (or a big
# outlet's footer) reaches the limit soon and stops growing, so a lookup reads a bounded number of rows
# whatever the size of the corpus, while a sentence copied many times is still found through its earliest
# copies.
MAX_POSTINGS = 25
_CHUNK = 500

Range = tuple[int, int, int]


def _boilerplate_ranges(paragraph_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    ranges: dict[int, list[tuple[int, int]]] = defaultdict(list)
    ids = list(paragraph_ids)
    for i in range(0, len(ids), _CHUNK):
        rows = BoilerplateSuggestion.objects.filter(paragraph_id__in=ids[i : i + _CHUNK])
        for pid, start, end in rows.values_list("paragraph_id", "start", "end"):
            ranges[pid].append((start, end))
    return ranges


def _inside(ranges: dict[int, list[tuple[int, int]]], pid: int, start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges.get(pid, ()))


def _postings(hashes: set[int]) -> list[tuple[int, int, int, int, int]]:
    """Return the index rows (hash, article, paragraph, start, end) of the given hashes."""
    ordered = sorted(hashes)
    # Excluding deleted articles by subquery rather than a join keeps SQLite on the hash index.
    deleted = Article.objects.filter(deleted_at__isnull=False).values("pk")
    rows = []
    for i in range(0, len(ordered), _CHUNK):
        rows += (
            ReuseFingerprint.objects.filter(hash__in=ordered[i : i + _CHUNK])
            .exclude(article_id__in=deleted)
            .values_list("hash", "article_id", "paragraph_id", "start", "end")
        )
    return rows


def _candidate_sentences(ranges: set[Range]) -> dict[Range, tuple[int, Sentence]]:
    by_paragraph: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pid, start, end in ranges:
        by_paragraph[pid].append((start, end))
    found = {}
    rows = Paragraph.objects.filter(id__in=list(by_paragraph)).values_list("id", "article_id", "text")
    for pid, aid, text in rows.iterator(chunk_size=_CHUNK):
        for start, end in by_paragraph[pid]:
            found[(pid, start, end)] = (aid, sentence_at(text, pid, start, end))
    return found


def find_matches(
    own: dict[Sentence, set[int]], postings: list[tuple[int, int, int, int, int]]
) -> list[tuple[int, Match]]:
    """Return (other article id, match) for every indexed sentence elsewhere that reuses one of these.

    `own` maps the sentences to look up to their fingerprints; `postings` are the index rows of those
    fingerprints. A candidate must share two fingerprints with a sentence that has three or more: one
    common word triple shared by chance is no sign of reuse.
    """
    by_hash: dict[int, set[Range]] = defaultdict(set)
    for h, _aid, pid, start, end in postings:
        by_hash[h].add((pid, start, end))
    candidates = {}
    for sentence, fps in own.items():
        shared = Counter(key for h in fps for key in by_hash.get(h, ()))
        needed = 1 if len(fps) <= 2 else 2
        candidates[sentence] = sorted(key for key, n in shared.items() if n >= needed)
    wanted = {key for keys in candidates.values() for key in keys}
    skip = _boilerplate_ranges({s.paragraph for s in own} | {pid for pid, _, _ in wanted})
    others = _candidate_sentences({key for key in wanted if not _inside(skip, *key)})
    matches = []
    for sentence, keys in candidates.items():
        if _inside(skip, sentence.paragraph, sentence.start, sentence.end):
            continue
        for key in keys:
            if key in others:
                aid, other = others[key]
                match = classify(sentence, other)
                if match is not None:
                    matches.append((aid, match))
    return matches


def _links(article: Article, matches: list[tuple[int, Match]]) -> list[ReuseLink]:
    ages = {a.pk: age_key(a) for a in Article.objects.filter(pk__in={aid for aid, _ in matches})}
    mine = age_key(article)
    links = []
    for aid, m in matches:
        ours = (article.pk, m.a.paragraph, m.a_start, m.a_end)
        theirs = (aid, m.b.paragraph, m.b_start, m.b_end)
        earlier, later = (theirs, ours) if ages[aid] < mine else (ours, theirs)
        links.append(
            ReuseLink(
                earlier_article_id=earlier[0],
                earlier_paragraph_id=earlier[1],
                earlier_start=earlier[2],
                earlier_end=earlier[3],
                later_article_id=later[0],
                later_paragraph_id=later[1],
                later_start=later[2],
                later_end=later[3],
                kind=m.kind,
                score=m.score,
            )
        )
    return links


def _insert_fingerprints(rows: Iterable[tuple[int, int, int, int, int]]) -> None:
    """Insert (hash, article, paragraph, start, end) rows with one executemany.

    The index gets about ten rows per sentence; this is several times faster than model instances through
    bulk_create, and the values are plain integers, so nothing is lost by skipping the fields' preparation.
    """
    opts = ReuseFingerprint._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(opts.get_field(name).column) for name in ("hash", "article", "paragraph", "start", "end")
    )
    sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)"
    params = list(rows)
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def article_sentences(article: Article) -> list[Sentence]:
    """Return the sentences of an article, in reading order."""
    return split_paragraphs(article.paragraphs.order_by("position").values_list("id", "text"))


@transaction.atomic
def scan(article: Article) -> int:
    """Link one article to the indexed corpus and add it to the index; return how many links it has.

    Running it again gives the same result: the article's links and fingerprints are replaced.
    """
    ReuseLink.objects.involving(article).delete()
    ReuseFingerprint.objects.filter(article=article).delete()
    sentences = article_sentences(article)
    prints = {s: fingerprints(s) for s in sentences if s.is_indexable}
    postings = _postings(set().union(*prints.values()))
    links = ReuseLink.objects.bulk_create(_links(article, find_matches(prints, postings)))
    held = Counter(row[0] for row in postings)
    _insert_fingerprints(
        (h, article.pk, s.paragraph, s.start, s.end)
        for s, fps in prints.items()
        for h in fps
        if held[h] < MAX_POSTINGS
    )
    ReuseScan.objects.update_or_create(article=article, defaults={"sentences": len(sentences)})
    return len(links)


def drop_links_inside(ranges: Iterable[Range]) -> int:
    """Delete links with a side inside one of the (paragraph, start, end) ranges; return how many."""
    ranges = list(ranges)
    deleted = 0
    for i in range(0, len(ranges), 50):
        inside = Q()
        for pid, start, end in ranges[i : i + 50]:
            inside |= Q(earlier_paragraph_id=pid, earlier_start__gte=start, earlier_end__lte=end)
            inside |= Q(later_paragraph_id=pid, later_start__gte=start, later_end__lte=end)
        deleted += ReuseLink.objects.filter(inside).delete()[0]
    return deleted


def detect(article_ids: Iterable[int], progress: Callable[[Article], None] | None = None) -> int:
    """Refresh the boilerplate of the articles' publishers, then scan each article, oldest first.

    Return the number of links the scanned articles have.
    """
    articles = sorted(Article.objects.visible().filter(pk__in=list(article_ids)), key=age_key)
    for publisher_id in sorted({a.publisher_id for a in articles}):
        with transaction.atomic():
            mine = [a.pk for a in articles if a.publisher_id == publisher_id]
            drop_links_inside(boilerplate.refresh(publisher_id, mine))
    total = 0
    for article in articles:
        total += scan(article)
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
