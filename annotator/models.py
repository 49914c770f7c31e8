"""Labels, labelled spans and their change history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q, Sum

from annotator import colours
from annotator.colours import WCAG_AA, best_contrast
from articles.models import Article, Paragraph

NOTE_MAX_LENGTH = 2000
ATTRIBUTION_MAX_LENGTH = 200

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")
# Keys the workbench already gives a meaning; a label on one of them would shadow it while text is selected.
RESERVED_KEYS = {
    "j": "next paragraph",
    "k": "previous paragraph",
    "u": "undo",
    "?": "the shortcut list",
    "p": "showing the side panel",
    " ": "scrolling",
}


class Label(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    colour = models.CharField(max_length=7, validators=[hex_colour], help_text="Highlight colour, #rrggbb.")
    shortcut = models.CharField(max_length=1, unique=True, help_text="One key that applies this label.")
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # Symmetrical: if a fact excludes speculation, speculation excludes the fact.
    excludes = models.ManyToManyField(
        "self",
        blank=True,
        help_text="Labels that contradict this one: tagging words that already carry one of them warns "
        "the analyst (the span is still saved).",
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Keep every label reachable from the keyboard and its highlight readable (WCAG AA)."""
        errors = {}
        key = (self.shortcut or "").lower()
        if key in RESERVED_KEYS:
            errors["shortcut"] = (
                f"'{self.shortcut}' already means {RESERVED_KEYS[key]} in the workbench; choose another key."
            )
        elif key:
            # The workbench reads keys without case, so "F" and "f" would be one key.
            taken = Label.objects.exclude(pk=self.pk).filter(shortcut__iexact=key).first()
            if taken is not None:
                errors["shortcut"] = (
                    f"{taken.name} already uses the key '{taken.shortcut}' (keys ignore case)."
                )
        if self.colour and hex_colour.regex.match(self.colour):
            problem = self._colour_problem()
            if problem:
                errors["colour"] = problem
        if errors:
            raise ValidationError(errors)

    def _colour_problem(self) -> str | None:
        """Return why the colour would not work as a highlight: unreadable text, invisible on the page, or
        looking like another label's."""
        contrast = best_contrast(self.colour)
        if contrast < WCAG_AA:
            return (
                f"Text on {self.colour} reaches only {contrast:.2f}:1 contrast, below the {WCAG_AA}:1 "
                "that WCAG AA asks for; choose a lighter or a darker colour."
            )
        if colours.distance(self.colour, colours.PAPER) < colours.MIN_DISTANCE:
            return f"{self.colour} hardly shows on the white page; choose a stronger colour."
        for other in Label.objects.exclude(pk=self.pk).only("name", "colour"):
            if hex_colour.regex.match(other.colour) and colours.distance(self.colour, other.colour) < (
                colours.MIN_DISTANCE
            ):
                return (
                    f"{self.colour} looks like {other.name}'s {other.colour}; choose a colour apart from it."
                )
        return None


@dataclass
class LabelShare:
    """How many characters one label covers among a publisher's spans, and its share of them all."""

    name: str
    colour: str
    characters: int
    share: float = 0.0
    offset: float = 0.0

    @property
    def percent(self) -> str:
        return f"{self.share:.0%}"

    @property
    def x(self) -> str:
        """Return the bar's left edge in the chart's 0-100 coordinates."""
        return f"{self.offset * 100:.2f}"

    @property
    def width(self) -> str:
        return f"{self.share * 100:.2f}"


class AnnotationQuerySet(models.QuerySet):
    def live(self) -> AnnotationQuerySet:
        return self.filter(deleted_at__isnull=True)

    def for_article(self, article: Article | int) -> AnnotationQuerySet:
        return self.filter(article=article)

    def by(self, user) -> AnnotationQuerySet:
        return self.filter(reviewer=user)

    def by_username(self, username: str) -> AnnotationQuerySet:
        return self.filter(reviewer__username=username)

    def for_layer(self, user, *, reviewer: str = "", everyone: bool = False) -> AnnotationQuerySet:
        """Return the live spans a layer shows `user`: one reviewer's, everyone's, else the user's own."""
        spans = self.live()
        if reviewer:
            return spans.by_username(reviewer)
        return spans if everyone else spans.by(user)

    def with_labels(self) -> AnnotationQuerySet:
        """Join what rendering a span needs: its label and its reviewer."""
        return self.select_related("label", "reviewer")

    def label_shares(self) -> dict[int, list[LabelShare]]:
        """Return per publisher how many characters of its visible articles each label covers, in label
        order, with each label's share of the publisher's total."""
        rows = (
            self.filter(article__deleted_at__isnull=True)
            .values("article__publisher_id", "label__name", "label__colour")
            .annotate(characters=Sum(F("end") - F("start")))
            .order_by("article__publisher_id", "label__order", "label__name")
        )
        by_publisher: dict[int, list[LabelShare]] = defaultdict(list)
        for row in rows:
            by_publisher[row["article__publisher_id"]].append(
                LabelShare(row["label__name"], row["label__colour"], row["characters"])
            )
        for shares in by_publisher.values():
            total = sum(s.characters for s in shares)
            offset = 0.0
            for s in shares:
                s.share, s.offset = s.characters / total, offset
                offset += s.share
        return dict(by_publisher)


class Annotation(models.Model):
    """A labelled span: code-point offsets [start, end) into one paragraph's text."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="annotations")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="annotations")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="annotations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    attributed_to = models.CharField(max_length=ATTRIBUTION_MAX_LENGTH, blank=True)
    transferred_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="transfers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["paragraph_id", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="annotation_start_gte_0"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="annotation_start_lt_end"),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_gte_1"),
            models.UniqueConstraint(
                fields=["paragraph", "label", "start", "end", "reviewer"],
                condition=Q(deleted_at__isnull=True),
                name="annotation_unique_live_span",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "reviewer"], name="annotation_article_reviewer"),
            models.Index(fields=["updated_at"], name="annotation_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.label_id}:{self.quote[:40]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def snapshot(self) -> dict:
        """Return the values the history records before and after a change."""
        return {
            "paragraph": self.paragraph_id,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "label": self.label.slug if self.label_id else None,
            "note": self.note,
            "attributed_to": self.attributed_to,
            "version": self.version,
            "deleted": self.deleted_at is not None,
        }


class AnnotationChange(models.Model):
    """One entry of the history: who did what to which span, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "created"
        CHANGE = "change", "changed"
        DELETE = "delete", "deleted"
        UNDO = "undo", "undid"
        TRANSFER = "transfer", "transferred"
        IMPORT = "import", "imported"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="changes")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotation_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    undoes = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="undone_by"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at"], name="change_article_recent")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.annotation_id}"
