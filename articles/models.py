"""The corpus: who published what, copied from where. Knows nothing of annotations."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Source(models.Model):
    """An outlet or author: South Front, Global Research."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
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


class Article(models.Model):
    title = models.CharField(max_length=500)
    byline = models.CharField(max_length=500, blank=True)
    publisher = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="published_articles")
    original_source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="original_articles"
    )
    published_on = models.DateField(null=True, blank=True)
    original_published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=1000, null=True, blank=True)
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

    def get_absolute_url(self) -> str:
        return reverse("annotator:article", args=[self.pk])

    @staticmethod
    def checksum_of(paragraphs: list[str]) -> str:
        """Return the content checksum: the same paragraphs always give the same value."""
        return hashlib.sha256("\n\n".join(paragraphs).encode()).hexdigest()


class Paragraph(models.Model):
    """One block of an article. Span offsets point into `text`, so it never changes once anchored."""

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

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and self.is_anchored():
            stored = Paragraph.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text:
                raise ValidationError(
                    {"text": "This paragraph's text cannot change: annotations point into it."},
                    code="paragraph_anchored",
                )
        super().save(*args, **kwargs)

    def is_anchored(self) -> bool:
        """Return True when any other model's rows point at this paragraph.

        The corpus app cannot know who anchors into it, so it asks every reverse relation.
        """
        for relation in self._meta.related_objects:
            if relation.one_to_many and relation.related_model._base_manager.filter(
                **{relation.field.name: self}
            ).exists():
                return True
        return False

    def slice(self, start: int, end: int) -> str:
        """Return the text between two code-point offsets."""
        return self.text[start:end]
