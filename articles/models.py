"""The corpus: who published what, copied from where. Knows nothing of annotations."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone


def count_of(queryset: models.QuerySet, field: str, counted: models.Aggregate | None = None) -> Coalesce:
    """Return a correlated count, 0 when none, of the rows of `queryset` whose `field` is the outer row.

    Unlike Count() over a join it is not multiplied by other joins (a search over paragraphs, a second count).
    `counted` counts something other than rows, such as Count("paragraph", distinct=True).
    """
    rows = queryset.filter(**{field: models.OuterRef("pk")}).order_by().values(field)
    counts = rows.annotate(n=counted or models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counts, output_field=models.IntegerField()), 0)


# The source the importers file an article under when it names no publisher. Its articles form no group:
# boilerplate is never learnt across them.
UNKNOWN_PUBLISHER = "Unknown publisher"


class Source(models.Model):
    """An outlet or author: South Front, Global Research."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    homepage = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A typed tag as the publisher printed it: Region, Theme or In-depth Report."""

    class Kind(models.TextChoices):
        REGION = "region", "Region"
        THEME = "theme", "Theme"
        IN_DEPTH_REPORT = "in_depth_report", "In-depth Report"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="tag_kind_name_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class ArticleQuerySet(models.QuerySet):
    def visible(self) -> ArticleQuerySet:
        return self.filter(deleted_at__isnull=True)

    def soft_delete(self) -> int:
        """Hide the live articles among these everywhere but the admin (paragraphs, spans and history stay);
        return how many were live. Articles already deleted keep their deletion time."""
        return self.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())

    def search(self, q: str) -> ArticleQuerySet:
        """Return the articles whose title, byline, publisher's name or a paragraph contains `q`, in any case.

        The article list and the API's `q` both search with this, so they find the same articles.
        """
        in_text = Paragraph.objects.filter(article=models.OuterRef("pk"), text__icontains=q)
        return self.filter(
            models.Q(title__icontains=q)
            | models.Q(byline__icontains=q)
            | models.Q(publisher__name__icontains=q)
            | models.Exists(in_text)
        )


class Article(models.Model):
    title = models.CharField(max_length=500)
    byline = models.CharField(max_length=500, blank=True)
    publisher = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="published_articles")
    original_source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="original_articles"
    )
    published_on = models.DateField(null=True, blank=True)
    original_published_on = models.DateField(null=True, blank=True)
    # NULL, not "", means "no URL known": the API and exports say null, which is what researchers expect.
    url = models.URLField(max_length=1000, null=True, blank=True)  # noqa: DJ001
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    language = models.CharField(max_length=16, default="en")
    raw_text = models.TextField(help_text="The imported file's text, exactly as read.")
    checksum = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the normalised content.")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title", "id"]
        indexes = [models.Index(fields=["publisher", "published_on"], name="article_publisher_date")]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def checksum_of(paragraphs: list[str]) -> str:
        """Return the content checksum: the same paragraphs always give the same value."""
        return hashlib.sha256("\n\n".join(paragraphs).encode()).hexdigest()


class Paragraph(models.Model):
    """One block of an article. Other apps point into `text` by code-point offsets and may refuse a change
    to it (a `pre_save` receiver), so the corpus app need not know who they are."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField()
    text = models.TextField()
    links = models.JSONField(
        default=list, blank=True, help_text="Hyperlinks kept from the source: [{start, end, url}] into text."
    )

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="paragraph_article_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}¶{self.position}"

    def slice(self, start: int, end: int) -> str:
        """Return the text between two code-point offsets."""
        return self.text[start:end]


class WebPage(models.Model):
    """Where an article imported from a web page came from; the page's HTML is the article's `raw_text`.

    A canonical URL is stored once: importing the same page again finds its article instead.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="web_page"
    )
    canonical_url = models.URLField(  # noqa: DJ001 (NULL: no canonical URL known, and NULLs are never equal)
        max_length=1000, null=True, blank=True, unique=True, help_text="The URL the page names as canonical."
    )
    page_url = models.URLField(  # noqa: DJ001
        max_length=1000, null=True, blank=True, help_text="Where the page was fetched from or sent from."
    )

    def __str__(self) -> str:
        return self.canonical_url or self.page_url or f"page of {self.article_id}"


class ReuseFingerprint(models.Model):
    """One entry of the n-gram index: a hash of a word n-gram (or an edit-surviving key) an article holds.

    It only tells which articles are worth aligning with a new one, so it points at the article, not at a
    place in it. Derived data, rebuilt by `detect_reuse --rebuild`; its relations are hidden.
    """

    hash = models.BigIntegerField()
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["hash"], name="reuse_fingerprint_hash")]

    def __str__(self) -> str:
        return f"{self.hash:x} in {self.article_id}"


class ReuseScan(models.Model):
    """Marks an article as indexed and linked, so `detect_reuse` without --rebuild only does the new ones."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="+")
    fingerprints = models.PositiveIntegerField(default=0, help_text="Index keys the article added.")
    scanned_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"scan of {self.article_id}"


class ReuseLinkQuerySet(models.QuerySet):
    def visible(self) -> ReuseLinkQuerySet:
        return self.filter(earlier_article__deleted_at__isnull=True, later_article__deleted_at__isnull=True)

    def involving(self, article: Article | int) -> ReuseLinkQuerySet:
        return self.filter(models.Q(earlier_article=article) | models.Q(later_article=article))

    def between(self, a: Article | int, b: Article | int) -> ReuseLinkQuerySet:
        return self.filter(
            models.Q(earlier_article=a, later_article=b) | models.Q(earlier_article=b, later_article=a)
        )


class ReuseLink(models.Model):
    """One reused passage: text of the later article that comes from the earlier one.

    Each side is a range that may start mid-sentence and run across paragraphs, stored twice: as start
    paragraph + offset and end paragraph + end offset (code points into each `Paragraph.text`, end
    exclusive), and as article-level offsets into the paragraphs joined by a blank line
    (`passages.article_text`). "Earlier" is by publication date, then import order, as known when the link
    was found.
    """

    class Kind(models.TextChoices):
        VERBATIM = "verbatim", "verbatim"
        EDITED = "edited", "edited"
        REWRITTEN = "rewritten", "rewritten or summarised"

    earlier_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    earlier_start_paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    earlier_start = models.PositiveIntegerField(help_text="Offset into the start paragraph's text.")
    earlier_end_paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    earlier_end = models.PositiveIntegerField(help_text="End offset into the end paragraph's text.")
    earlier_article_start = models.PositiveIntegerField()
    earlier_article_end = models.PositiveIntegerField()
    later_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    later_start_paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    later_start = models.PositiveIntegerField(help_text="Offset into the start paragraph's text.")
    later_end_paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    later_end = models.PositiveIntegerField(help_text="End offset into the end paragraph's text.")
    later_article_start = models.PositiveIntegerField()
    later_article_end = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    similarity = models.FloatField(help_text="Word similarity of the two sides: 1.0 for verbatim text.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReuseLinkQuerySet.as_manager()

    class Meta:
        ordering = ["later_article", "later_article_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(earlier_article=models.F("later_article")), name="reuselink_two_articles"
            ),
            models.CheckConstraint(
                condition=models.Q(earlier_article_start__lt=models.F("earlier_article_end")),
                name="reuselink_earlier_start_lt_end",
            ),
            models.CheckConstraint(
                condition=models.Q(later_article_start__lt=models.F("later_article_end")),
                name="reuselink_later_start_lt_end",
            ),
            models.CheckConstraint(
                condition=~models.Q(earlier_start_paragraph=models.F("earlier_end_paragraph"))
                | models.Q(earlier_start__lt=models.F("earlier_end")),
                name="reuselink_earlier_paragraph_start_lt_end",
            ),
            models.CheckConstraint(
                condition=~models.Q(later_start_paragraph=models.F("later_end_paragraph"))
                | models.Q(later_start__lt=models.F("later_end")),
                name="reuselink_later_paragraph_start_lt_end",
            ),
            models.CheckConstraint(
                condition=models.Q(similarity__gte=0) & models.Q(similarity__lte=1),
                name="reuselink_similarity_0_1",
            ),
            models.UniqueConstraint(
                fields=[
                    "earlier_article",
                    "earlier_article_start",
                    "earlier_article_end",
                    "later_article",
                    "later_article_start",
                    "later_article_end",
                ],
                name="reuselink_unique_ranges",
            ),
        ]
        indexes = [
            models.Index(fields=["earlier_article", "later_article"], name="reuselink_earlier_later"),
            models.Index(fields=["later_article", "earlier_article"], name="reuselink_later_earlier"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.earlier_article_id} -> {self.later_article_id}"

    def paragraph_ranges(self, side: str) -> list[tuple[Paragraph, int, int]]:
        """Return (paragraph, start, end) for each paragraph the `side` ("earlier" or "later") covers, in
        reading order: the first from its start offset, the last to its end offset, those between whole."""
        first: Paragraph = getattr(self, f"{side}_start_paragraph")
        last: Paragraph = getattr(self, f"{side}_end_paragraph")
        start, end = getattr(self, f"{side}_start"), getattr(self, f"{side}_end")
        if first.pk == last.pk:
            return [(first, start, end)]
        between = Paragraph.objects.filter(
            article_id=first.article_id, position__gt=first.position, position__lt=last.position
        ).order_by("position")
        return [(first, start, len(first.text)), *((p, 0, len(p.text)) for p in between), (last, 0, end)]

    def text_of(self, side: str) -> str:
        """Return the text a side covers, its paragraphs joined by a blank line as in the article text."""
        return "\n\n".join(p.slice(start, end) for p, start, end in self.paragraph_ranges(side))

    @property
    def earlier_text(self) -> str:
        return self.text_of("earlier")

    @property
    def later_text(self) -> str:
        return self.text_of("later")


class BoilerplateSuggestion(models.Model):
    """A paragraph or sentence range that recurs across articles of the article's publisher.

    A suggestion is not a span: analysts accept it (which creates their own boilerplate span) or dismiss it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    occurrences = models.PositiveIntegerField(help_text="How many articles of the publisher carry this text.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "paragraph__position", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="boilerplatesuggestion_start_lt_end"
            ),
            models.UniqueConstraint(
                fields=["paragraph", "start", "end"], name="boilerplatesuggestion_unique_range"
            ),
        ]

    def __str__(self) -> str:
        return f"boilerplate ¶{self.paragraph_id}[{self.start}:{self.end}]"

    @property
    def text(self) -> str:
        return self.paragraph.slice(self.start, self.end)


class BoilerplateDismissal(models.Model):
    """An analyst's "not boilerplate" for one range; kept by range so it survives re-detection."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "paragraph", "start", "end"], name="boilerplatedismissal_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed ¶{self.paragraph_id}[{self.start}:{self.end}]"
