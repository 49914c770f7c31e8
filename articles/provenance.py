"""Where an article's text comes from, and who republishes whom: read-only queries over the corpus."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum

from articles.models import UNKNOWN_PUBLISHER, Article, ReuseLink, Source
from articles.sentences import age_key


@dataclass
class Related:
    """Another article sharing text with this one."""

    article: Article
    passages: int
    is_earlier: bool
    characters: int = 0  # of this article's text that the passages cover (overlaps counted once per link)


def related_articles(article: Article) -> list[Related]:
    """Return the visible articles sharing reused passages with this one, earliest first."""
    counts: Counter[int] = Counter()
    characters: Counter[int] = Counter()
    links = ReuseLink.objects.visible().involving(article)
    for earlier, later, n, earlier_chars, later_chars in (
        links.values_list("earlier_article_id", "later_article_id")
        .annotate(
            n=Count("id"),
            earlier_chars=Sum(F("earlier_article_end") - F("earlier_article_start")),
            later_chars=Sum(F("later_article_end") - F("later_article_start")),
        )
        .order_by()
    ):
        mine_is_earlier = earlier == article.pk
        other = later if mine_is_earlier else earlier
        counts[other] += n
        characters[other] += earlier_chars if mine_is_earlier else later_chars
    others = Article.objects.visible().filter(pk__in=counts).select_related("publisher")
    mine = age_key(article)
    related = [
        Related(other, counts[other.pk], age_key(other) < mine, characters[other.pk]) for other in others
    ]
    return sorted(related, key=lambda r: age_key(r.article))


@dataclass
class Chain:
    """An article's provenance: byline, publisher, declared original source, earlier texts it reuses."""

    article: Article
    earlier: list[Related] = field(default_factory=list)

    @property
    def is_republication(self) -> bool:
        a = self.article
        return a.original_source_id is not None and a.original_source_id != a.publisher_id


def provenance_chain(article: Article, related: list[Related] | None = None) -> Chain:
    """Return the article's chain, its earlier sources of text oldest first."""
    related = related_articles(article) if related is None else related
    return Chain(article=article, earlier=[r for r in related if r.is_earlier])


@dataclass
class ArticleProvenance:
    """What the article page shows about where the text comes from: the chain and the related articles."""

    chain: Chain
    related: list[Related]


def for_article(article: Article) -> ArticleProvenance:
    """Return the article's chain and related articles, with one query for the links."""
    related = related_articles(article)
    return ArticleProvenance(provenance_chain(article, related), related)


@dataclass
class SourceRow:
    """One line of the Sources page."""

    source: Source
    published: int
    original: int
    republishes: list[tuple[Source, int]] = field(default_factory=list)
    republished_by: list[tuple[Source, int]] = field(default_factory=list)
    reuses: list[tuple[Source, int]] = field(default_factory=list)
    reused_by: list[tuple[Source, int]] = field(default_factory=list)


def _reuse_between_publishers() -> Counter[tuple[int, int]]:
    """Return {(earlier publisher, later publisher): article pairs} for reuse across publishers."""
    pairs = (
        ReuseLink.objects.visible()
        .exclude(earlier_article__publisher=F("later_article__publisher"))
        .values_list("earlier_article__publisher_id", "later_article__publisher_id", "earlier_article_id")
        .annotate(n=Count("later_article_id", distinct=True))
        .order_by()
    )
    counts: Counter[tuple[int, int]] = Counter()
    for earlier, later, _article, n in pairs:
        counts[(earlier, later)] += n
    return counts


def outlets() -> QuerySet[Source]:
    """Return the sources that are outlets: every one but the "Unknown publisher" the importers file articles
    without a publisher under, which is a gap in the metadata, not a source that publishes or reuses text."""
    return Source.objects.exclude(name=UNKNOWN_PUBLISHER)


def is_outlet(source: Source) -> bool:
    return source.name != UNKNOWN_PUBLISHER


def source_overview(only: Source | None = None) -> list[SourceRow]:
    """Return every outlet with its articles as publisher and as original source, who republishes whom
    (declared through `original_source`) and whose text it reuses (detected); `only` narrows the rows to one
    outlet (its relations still name the others). Articles with no known publisher take no part."""
    visible = Q(published_articles__deleted_at__isnull=True)
    sources = (
        outlets()
        .annotate(
            published=Count("published_articles", filter=visible, distinct=True),
            original=Count(
                "original_articles", filter=Q(original_articles__deleted_at__isnull=True), distinct=True
            ),
        )
        .order_by("name")
    )
    rows = {s.pk: SourceRow(s, s.published, s.original) for s in sources}
    republished = Counter(
        Article.objects.visible()
        .filter(original_source__isnull=False)
        .exclude(original_source=F("publisher"))
        .values_list("publisher_id", "original_source_id")
    )
    for (publisher, original), n in sorted(republished.items()):
        if publisher in rows and original in rows:
            rows[publisher].republishes.append((rows[original].source, n))
            rows[original].republished_by.append((rows[publisher].source, n))
    for (earlier, later), n in sorted(_reuse_between_publishers().items()):
        if earlier in rows and later in rows:
            rows[later].reuses.append((rows[earlier].source, n))
            rows[earlier].reused_by.append((rows[later].source, n))
    if only is not None:
        return [rows[only.pk]] if only.pk in rows else []
    return list(rows.values())


def unknown_publisher() -> tuple[Source | None, int]:
    """Return the source standing for "no known publisher" and how many visible articles it holds (the
    Sources page says so in a note that leads to them)."""
    source = Source.objects.filter(name=UNKNOWN_PUBLISHER).first()
    if source is None:
        return None, 0
    return source, Article.objects.visible().filter(publisher=source).count()


@dataclass
class Outlet:
    """An outlet's own page: its articles, the articles naming it as original source, and its relations."""

    row: SourceRow
    articles: list[Article]
    original_of: list[Article]


def outlet(source: Source) -> Outlet:
    """Return what an outlet's page shows; its articles newest first, undated ones last."""
    [row] = source_overview(only=source)
    articles = Article.objects.visible().defer("raw_text").select_related("publisher")
    return Outlet(
        row=row,
        articles=list(
            articles.filter(publisher=source).order_by(F("published_on").desc(nulls_last=True), "id")
        ),
        original_of=list(
            articles.filter(original_source=source)
            .exclude(publisher=source)
            .order_by(F("published_on").desc(nulls_last=True), "id")
        ),
    )
