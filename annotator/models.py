"""Labels, labelled spans and their change history."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.urls import reverse

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
    "n": "next article",
    "d": "mark done",
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


def _blind_articles_open(user) -> bool:
    """Whether any blind project has an article not curated yet, asked once per request.

    Kept on the user object, which the authentication middleware loads anew for every request, so the
    answer never outlives the request that asked."""
    try:
        return user._blind_articles_open
    except AttributeError:
        found = ProjectArticle.objects.filter(project__blind=True, curated_at__isnull=True).exists()
        with contextlib.suppress(AttributeError):  # AnonymousUser and the like take no attributes
            user._blind_articles_open = found
        return found


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
        spans = self.live().visible_to(user)
        if reviewer:
            return spans.by_username(reviewer)
        return spans if everyone else spans.by(user)

    def gold(self) -> AnnotationQuerySet:
        """Return the spans of gold layers (any project's gold reviewer)."""
        return self.filter(reviewer__gold_project__isnull=False)

    def not_gold(self) -> AnnotationQuerySet:
        return self.filter(reviewer__gold_project__isnull=True)

    def gold_of(self, project: Project) -> AnnotationQuerySet:
        """Return a project's gold spans on its articles."""
        return self.filter(reviewer_id=project.gold_reviewer_id, article__project_entries__project=project)

    def by_assigned_analysts(self, project: Project) -> AnnotationQuerySet:
        """Return the spans each analyst of the project wrote on the articles assigned to them in it."""
        assigned = Assignment.objects.filter(
            project=project, article_id=OuterRef("article_id"), analyst_id=OuterRef("reviewer_id")
        )
        return self.filter(Exists(assigned))

    def visible_to(self, user) -> AnnotationQuerySet:
        """Leave out what blind projects hide from `user`.

        On an article of a blind project that is not curated yet, the spans of that project's analysts are
        hidden, unless they are the user's own or the user is staff or one of the project's curators.
        """
        if user.is_staff:
            return self
        if user.is_authenticated and not _blind_articles_open(user):
            # The usual case, and worth one small query per request: the correlated subquery below costs
            # several milliseconds of query building on every span list, panel and paragraph drawn.
            return self
        hidden = ProjectArticle.objects.filter(
            article_id=OuterRef("article_id"),
            curated_at__isnull=True,
            project__blind=True,
            project__analysts=OuterRef("reviewer_id"),
        )
        if not user.is_authenticated:  # e.g. the schema generator's request: nobody's spans are theirs
            return self.filter(~Exists(hidden))
        return self.filter(~Exists(hidden.exclude(project__curators=user)) | Q(reviewer_id=user.pk))

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


# Projects: a team labels a set of articles, each by a few analysts, and curators settle a gold layer.

GOLD_USERNAME_PREFIX = "gold:"


class Project(models.Model):
    """A named set of articles, the analysts who label them, and the curators who settle their gold layer.

    The gold layer is the spans of `gold_reviewer`, a user made for the project that cannot log in: gold spans
    are ordinary spans, so the span rules, the history, undo, the layers, every export and the statistics take
    them as they take any reviewer's. Its username starts with "gold:", which no sign-up form accepts.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    articles = models.ManyToManyField(Article, through="ProjectArticle", related_name="projects", blank=True)
    analysts = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="analyst_projects", blank=True)
    curators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="curated_projects",
        blank=True,
        help_text="Besides staff, who may settle the gold layer of this project.",
    )
    analysts_per_article = models.PositiveSmallIntegerField(
        default=2, help_text="How many analysts label each article."
    )
    blind = models.BooleanField(
        default=False, help_text="Analysts do not see each other's spans until the article is curated."
    )
    gold_reviewer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gold_project", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(analysts_per_article__gte=1), name="project_analysts_per_article_gte_1"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.gold_reviewer_id is None:
            user = get_user_model()(
                username=f"{GOLD_USERNAME_PREFIX}{self.slug}"[:150],
                first_name="Gold",
                last_name=self.name[:150],
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            self.gold_reviewer = user
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("annotator:project", args=[self.slug])

    def can_curate(self, user) -> bool:
        """Return True when the user may settle this project's gold layer: staff or one of its curators."""
        if not user.is_authenticated:
            return False
        return bool(user.is_staff or self.curators.filter(pk=user.pk).exists())


class ProjectArticle(models.Model):
    """An article of a project, in the project's order, and whether its gold layer is settled."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entries")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="project_entries")
    position = models.PositiveIntegerField(default=0)
    curated_at = models.DateTimeField(null=True, blank=True)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "article"], name="project_article_unique")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.article_id}"

    @property
    def is_curated(self) -> bool:
        return self.curated_at is not None


class Guideline(models.Model):
    """What a label means in one project: a definition and examples, shown in the workbench's legend."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="guidelines")
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="guidelines")
    definition = models.TextField(blank=True)
    examples = models.TextField(blank=True, help_text="One example per line.")

    class Meta:
        ordering = ["project", "label__order", "label__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "label"], name="guideline_project_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.label_id}"

    @property
    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class AssignmentQuerySet(models.QuerySet):
    def with_done(self) -> AssignmentQuerySet:
        """Annotate `is_done`: the analyst has marked the article done (done is per article and analyst,
        since an analyst has one layer per article whatever the project)."""
        done = Completion.objects.done().filter(
            article_id=models.OuterRef("article_id"), analyst_id=models.OuterRef("analyst_id")
        )
        return self.annotate(is_done=models.Exists(done))

    def done(self) -> AssignmentQuerySet:
        return self.with_done().filter(is_done=True)

    def open(self) -> AssignmentQuerySet:
        return self.with_done().filter(is_done=False)


class Assignment(models.Model):
    """One analyst asked to label one article of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="assignments")
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    # The article's position in the project, copied so that a queue is read from this table alone.
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "position", "article_id", "analyst_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "article", "analyst"], name="assignment_project_article_analyst_unique"
            )
        ]
        indexes = [models.Index(fields=["analyst", "project", "position"], name="assignment_queue")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.article_id}:{self.analyst_id}"


class CompletionQuerySet(models.QuerySet):
    def done(self) -> CompletionQuerySet:
        return self.filter(done_at__isnull=False)


class Completion(models.Model):
    """An analyst's explicit "done" on an article; reopening clears `done_at` and keeps when."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="completions")
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "analyst"], name="completion_article_analyst_unique")
        ]

    def __str__(self) -> str:
        return f"{self.analyst_id}:{self.article_id}:{'done' if self.done_at else 'open'}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DemoLoad(models.Model):
    """That `load_demo` loaded the demo corpus and its spans into this database, and when: one row at most.

    Kept apart from the articles themselves, so that whatever happens to them later (a staff member deleting
    one, an analyst deleting a demo span) a later `load_demo` (every `make run`) adds nothing back.
    """

    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"demo loaded {self.loaded_at:%Y-%m-%d %H:%M}"
