"""A synthetic corpus with planted text reuse, to measure reuse detection's precision, recall and speed.

Words are drawn from a Zipf-like vocabulary (so common words make common word triples, as in real news),
each outlet closes its articles with its own footer (boilerplate, which must not count as reuse), and about
a third of the articles reuse earlier ones in one of four ways: verbatim copies of sentences, copies with one
or two words edited (near-identical), a sentence quoted inside a longer one (partial), and whole paragraphs
copied in shuffled order. Every original sentence is reused at most once, so the planted pairs are exactly
the pairs that share text.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

Position = tuple[int, int, int]  # article index, paragraph index, sentence index

KINDS = ("identical", "near_identical", "partial")
_SYLLABLES = [c + v for c in "bdklmnrstvz" for v in "aeiou"]
_FUNCTION_WORDS = ("the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "as", "by", "at", "from")


@dataclass
class SyntheticArticle:
    publisher: str
    published_on: datetime.date
    paragraphs: list[list[str]] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [" ".join(sentences) for sentences in self.paragraphs]


@dataclass(frozen=True)
class Planted:
    kind: str
    original: Position
    copy: Position


class _Writer:
    def __init__(self, rng: random.Random, vocabulary: int) -> None:
        self.rng = rng
        self.words = sorted({self._word() for _ in range(vocabulary)})
        self.weights = [1 / (rank + 10) for rank in range(len(self.words))]

    def _word(self) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def words_(self, n: int) -> list[str]:
        drawn = self.rng.choices(self.words, self.weights, k=n)
        return [self.rng.choice(_FUNCTION_WORDS) if self.rng.random() < 0.3 else w for w in drawn]

    def sentence(self, low: int = 12, high: int = 30) -> str:
        words = self.words_(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def edit(self, sentence: str) -> str:
        """Return the sentence with one or two words replaced, inserted or deleted (never unchanged)."""
        edited = sentence
        while edited.lower() == sentence.lower():
            edited = self._edit(sentence)
        return edited

    def _edit(self, sentence: str) -> str:
        words = sentence[:-1].split()
        for _ in range(self.rng.randint(1, 2)):
            at = self.rng.randrange(1, len(words))
            action = self.rng.choice(("replace", "insert", "delete"))
            if action == "replace":
                words[at] = self._word()
            elif action == "insert":
                words.insert(at, self._word())
            else:
                del words[at]
        return " ".join(words) + "."

    def quote_inside(self, sentence: str) -> str:
        """Return a longer sentence with `sentence` inside it, at least as many new words as quoted."""
        extra = len(sentence.split()) + self.rng.randint(0, 6)
        before = self.rng.randint(2, extra - 2)
        prefix, suffix = self.words_(before), self.words_(extra - before)
        return " ".join([*prefix, sentence[:-1][0].lower() + sentence[:-1][1:], *suffix]).capitalize() + "."


def generate(
    count: int, *, seed: int = 7, publishers: int = 20, reuse_share: float = 0.35, reuse_last: bool = False
):
    """Return `count` articles, oldest first, and the reuse planted in them (always in the last one when
    `reuse_last`, which leaves the articles before it as they would be without)."""
    rng = random.Random(seed)
    writer = _Writer(rng, vocabulary=20_000)
    footers = {
        f"Outlet {n}": [writer.sentence(10, 16) + " " + writer.sentence(10, 16), writer.sentence(6, 10)]
        for n in range(publishers)
    }
    pool = _Pool(rng)
    articles: list[SyntheticArticle] = []
    planted: list[Planted] = []
    start = datetime.date(2016, 1, 1)
    for index in range(count):
        publisher = rng.choice(sorted(footers))
        body = [[writer.sentence() for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(4, 9))]
        reuses = rng.random() < reuse_share or (reuse_last and index == count - 1)
        copies = _plant(rng, writer, articles, body, pool) if articles and reuses else []
        # Copies were inserted anywhere in the body; find where each landed once the body is final.
        copied = {id(copy) for _, _, copy in copies}
        originals = [
            (index, p, s)
            for p, sentences in enumerate(body)
            for s, x in enumerate(sentences)
            if id(x) not in copied
        ]
        where = {
            id(sentence): (index, p, s)
            for p, sentences in enumerate(body)
            for s, sentence in enumerate(sentences)
        }
        planted += [Planted(kind, original, where[id(copy)]) for kind, original, copy in copies]
        pool.used.update(where[id(copy)] for _, _, copy in copies)  # a copy is never copied again
        articles.append(SyntheticArticle(publisher, start + datetime.timedelta(days=index // 10), body))
        articles[-1].paragraphs += [[line] for line in footers[publisher]]
        pool.add(originals)
    return articles, planted


class _Pool:
    """Original sentences not reused yet, drawn at random in constant time."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fresh: list[Position] = []
        self.used: set[Position] = set()

    def add(self, positions: list[Position]) -> None:
        self.fresh += positions

    def take(self) -> Position | None:
        while self.fresh:
            i = self.rng.randrange(len(self.fresh))
            self.fresh[i], self.fresh[-1] = self.fresh[-1], self.fresh[i]
            position = self.fresh.pop()
            if position not in self.used:
                self.used.add(position)
                return position
        return None


class _Copy(str):
    """A copied sentence: equal to the original, but its own object, so `id()` tells where it landed."""


def _plant(rng, writer, articles, body, pool) -> list[tuple[str, Position, str]]:
    """Insert copies of earlier text into the body; return (kind, original, copy object) for each."""
    kind = rng.choice(("identical", "near_identical", "partial", "shuffled"))
    copies = []
    if kind == "shuffled":
        source = rng.randrange(len(articles))
        paragraphs = articles[source].paragraphs[:-2]  # not the footer
        for p in rng.sample(range(len(paragraphs)), min(len(paragraphs), rng.randint(2, 3))):
            positions = [(source, p, s) for s in range(len(paragraphs[p]))]
            if any(position in pool.used for position in positions):
                continue
            pool.used.update(positions)
            copy = [_Copy(sentence) for sentence in paragraphs[p]]
            body.insert(rng.randint(0, len(body)), copy)
            copies += [
                ("identical", position, sentence) for position, sentence in zip(positions, copy, strict=True)
            ]
        return copies
    for _ in range(rng.randint(1, 3)):
        original = pool.take()
        if original is None:
            break
        a, p, s = original
        sentence = articles[a].paragraphs[p][s]
        if kind == "identical":
            copy = _Copy(sentence)
        elif kind == "near_identical":
            copy = writer.edit(sentence)
        else:
            copy = writer.quote_inside(sentence)
        target = body[rng.randrange(len(body))]
        target.insert(rng.randint(0, len(target)), copy)
        copies.append((kind, original, copy))
    return copies


@transaction.atomic
def store(articles: list[SyntheticArticle], *, offset: int = 0) -> list[int]:
    """Write the articles to the database (sources, articles, paragraphs); return their ids in order."""
    from articles.models import Article, Paragraph, Source

    sources = {
        name: Source.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})[0]
        for name in sorted({a.publisher for a in articles})
    }
    rows = Article.objects.bulk_create(
        [
            Article(
                title=f"Synthetic article {offset + i}",
                publisher=sources[a.publisher],
                published_on=a.published_on,
                raw_text="",
                checksum=Article.checksum_of([f"synthetic {offset + i}", *a.texts()]),
            )
            for i, a in enumerate(articles)
        ],
        batch_size=1000,
    )
    Paragraph.objects.bulk_create(
        (
            Paragraph(article=row, position=p, text=text)
            for row, a in zip(rows, articles, strict=True)
            for p, text in enumerate(a.texts())
        ),
        batch_size=2000,
    )
    return [row.pk for row in rows]


@dataclass
class Score:
    kind: str
    planted: int
    found: int
    correct: int
    detected: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.detected / self.planted if self.planted else 1.0


# The kinds of link each kind of planted reuse may get: a quote inside a longer sentence is a verbatim
# passage of just the quoted words; copied sentences are verbatim, or edited when they lie in one passage
# with paragraphs copied in shuffled order.
LINK_KIND = {"identical": ("verbatim", "edited"), "near_identical": ("edited",), "partial": ("verbatim",)}


def sentence_ranges(article: SyntheticArticle) -> dict[tuple[int, int], tuple[int, int]]:
    """Return {(paragraph, sentence): (start, end)} as offsets into the article-level text."""
    ranges, at = {}, 0
    for p, sentences in enumerate(article.paragraphs):
        for s, sentence in enumerate(sentences):
            ranges[(p, s)] = (at, at + len(sentence))
            at += len(sentence) + 1
        at += 1  # the paragraph separator is two characters where a sentence separator is one
    return ranges


def findable(articles: list[SyntheticArticle], planted: list[Planted], min_words: int) -> list[Planted]:
    """Return the planted reuse of at least `min_words` words: shorter text is a fragment, never linked."""
    return [p for p in planted if len(_sentence(articles, p.original).split()) >= min_words]


def _sentence(articles: list[SyntheticArticle], position: Position) -> str:
    a, p, s = position
    return articles[a].paragraphs[p][s]


def _overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def evaluate(articles: list[SyntheticArticle], ids: list[int], planted: list[Planted]) -> list[Score]:
    """Compare the stored links (passages) with the planted reuse, per kind and over all kinds.

    A planted copy is detected when a link of the expected kind overlaps both the original sentence and the
    copy (`any`: a link of any kind); a link is correct when it overlaps both sides of some planted copy.
    """
    from articles.models import ReuseLink

    index_of = {pk: i for i, pk in enumerate(ids)}
    ranges = [sentence_ranges(a) for a in articles]
    sides: dict[tuple[int, int], list[tuple[tuple[int, int], tuple[int, int], str]]] = {}
    for p in planted:
        (a, *original), (b, *copy) = p.original, p.copy
        sides.setdefault((a, b), []).append((ranges[a][tuple(original)], ranges[b][tuple(copy)], p.kind))
    links = ReuseLink.objects.filter(earlier_article_id__in=ids).values_list(
        "kind", "earlier_article_id", "earlier_article_start", "earlier_article_end",
        "later_article_id", "later_article_start", "later_article_end",
    )  # fmt: skip
    found = dict.fromkeys(("verbatim", "edited", "rewritten"), 0)
    correct = dict.fromkeys(found, 0)
    hits: dict[tuple[int, int], list[tuple[str, tuple[int, int], tuple[int, int]]]] = {}
    for kind, ea, es, ee, la, ls, le in links:
        a, b = index_of[ea], index_of[la]
        found[kind] += 1
        planted_here = sides.get((a, b), [])
        if any(_overlaps(o, (es, ee)) and _overlaps(c, (ls, le)) for o, c, _ in planted_here):
            correct[kind] += 1
        hits.setdefault((a, b), []).append((kind, (es, ee), (ls, le)))
    scores = []
    for planted_kind in (*KINDS, "any"):
        group = [p for p in planted if planted_kind in ("any", p.kind)]
        detected = 0
        for p in group:
            (a, *original), (b, *copy) = p.original, p.copy
            o, c = ranges[a][tuple(original)], ranges[b][tuple(copy)]
            detected += any(
                _overlaps(o, e)
                and _overlaps(c, later)
                and (planted_kind == "any" or kind in LINK_KIND[p.kind])
                for kind, e, later in hits.get((a, b), ())
            )
        link_kinds = list(found) if planted_kind == "any" else LINK_KIND[planted_kind]
        scores.append(
            Score(
                planted_kind,
                len(group),
                sum(found[k] for k in set(link_kinds)),
                sum(correct[k] for k in set(link_kinds)),
                detected,
            )
        )
    return scores


def kinds_planted(planted: list[Planted]) -> Counter:
    return Counter(p.kind for p in planted)
