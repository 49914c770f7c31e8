"""Team projects: who sees which project, the balanced assignment of articles to analysts, each analyst's
queue, an explicit "done", and the figures of the project page.

Done is per article and analyst (`Completion`): an analyst has one layer per article, whatever the projects
the article belongs to, so an article marked done is done in each of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from annotator.models import GOLD_USERNAME_PREFIX, Annotation, Assignment, Completion, Project, ProjectArticle
from articles.models import Article


def projects_for(user) -> QuerySet[Project]:
    """Return the projects the user may see: all for staff, else those they analyse or curate."""
    projects = Project.objects.all()
    if user.is_staff:
        return projects
    mine = Project.objects.filter(Q(analysts=user) | Q(curators=user)).values("pk")
    return projects.filter(pk__in=mine)


def gold_reviewers_curated_by(user) -> frozenset[int]:
    """Return the ids of the gold reviewers whose layers the user may write (cached on the user object)."""
    cached = getattr(user, "_curated_gold_reviewers", None)
    if cached is None:
        if not user.is_authenticated:
            cached = frozenset()
        else:
            ids = Project.objects.filter(curators=user).values_list("gold_reviewer_id", flat=True)
            cached = frozenset(ids)
        user._curated_gold_reviewers = cached
    return cached


def may_write_layer_of(user, reviewer_id: int) -> bool:
    """Return True when the user may write spans in `reviewer_id`'s layer: their own, any for staff, and a
    project's gold layer for its curators."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or reviewer_id == user.pk or reviewer_id in gold_reviewers_curated_by(user))


def gold_reviewer_for(user, username: str):
    """Return the gold reviewer named `username` if the user may write that gold layer, else None."""
    if not username.startswith(GOLD_USERNAME_PREFIX):
        return None
    project = Project.objects.filter(gold_reviewer__username=username).select_related("gold_reviewer").first()
    if project is None or not may_write_layer_of(user, project.gold_reviewer_id):
        return None
    return project.gold_reviewer


# ---- Assignment ---------------------------------------------------------------------------------------


def set_articles(project: Project, articles: Iterable[Article | int]) -> None:
    """Make `articles` the project's articles, in this order; assignments of articles left out go."""
    ids = list(dict.fromkeys(a if isinstance(a, int) else a.pk for a in articles))
    with transaction.atomic():
        ProjectArticle.objects.filter(project=project).exclude(article_id__in=ids).delete()
        Assignment.objects.filter(project=project).exclude(article_id__in=ids).delete()
        existing = {e.article_id: e for e in ProjectArticle.objects.filter(project=project)}
        new = []
        for position, article_id in enumerate(ids):
            entry = existing.get(article_id)
            if entry is None:
                new.append(ProjectArticle(project=project, article_id=article_id, position=position))
            elif entry.position != position:
                entry.position = position
                entry.save(update_fields=["position"])
        ProjectArticle.objects.bulk_create(new)
        for entry in ProjectArticle.objects.filter(project=project):
            Assignment.objects.filter(project=project, article_id=entry.article_id).update(
                position=entry.position
            )


@transaction.atomic
def assign(project: Project) -> int:
    """Give each article of the project `analysts_per_article` analysts, spreading the work evenly.

    Deterministic: articles in project order each take the analysts with the fewest assignments in the
    project so far, ties broken by username, so a fresh project is a round robin (with 5 analysts and 2 per
    article: ab, cd, ea, bc, de, ...) and every analyst gets the same number of articles, give or take one.
    Run again after a change, it keeps what is assigned, drops the assignments of analysts no longer on the
    project and those over the per-article number that are not done, and fills the gaps the same way.
    Returns how many assignments it created.
    """
    analysts = sorted(project.analysts.all(), key=lambda user: user.get_username())
    analyst_ids = [user.pk for user in analysts]
    Assignment.objects.filter(project=project).exclude(analyst_id__in=analyst_ids).delete()
    wanted = min(project.analysts_per_article, len(analysts))
    entries = list(ProjectArticle.objects.filter(project=project).order_by("position", "pk"))
    current: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in Assignment.objects.filter(project=project).with_done().order_by("pk"):
        current[assignment.article_id].append(assignment)
    load = Counter({pk: 0 for pk in analyst_ids})
    for assignments in current.values():
        load.update(a.analyst_id for a in assignments)
    rank = {pk: i for i, pk in enumerate(analyst_ids)}
    # Too many analysts on an article (the number went down): drop open assignments of the busiest first.
    for article_id, assignments in current.items():
        extra = len(assignments) - wanted
        if extra <= 0:
            continue
        droppable = sorted(
            (a for a in assignments if not a.is_done),
            key=lambda a: (-load[a.analyst_id], -rank[a.analyst_id]),
        )[:extra]
        for assignment in droppable:
            load[assignment.analyst_id] -= 1
            assignment.delete()
        current[article_id] = [a for a in assignments if a not in droppable]
    created = []
    for entry in entries:
        have = {a.analyst_id for a in current.get(entry.article_id, [])}
        missing = wanted - len(have)
        if missing <= 0:
            continue
        candidates = sorted((pk for pk in analyst_ids if pk not in have), key=lambda pk: (load[pk], rank[pk]))
        for analyst_id in candidates[:missing]:
            load[analyst_id] += 1
            created.append(
                Assignment(
                    project=project,
                    article_id=entry.article_id,
                    analyst_id=analyst_id,
                    position=entry.position,
                )
            )
    Assignment.objects.bulk_create(created)
    return len(created)


# ---- Queue and done -----------------------------------------------------------------------------------


def queue(user, project: Project | None = None) -> QuerySet[Assignment]:
    """Return the user's open assignments (not marked done), in project and article order."""
    assignments = Assignment.objects.filter(analyst=user, article__deleted_at__isnull=True)
    if project is not None:
        assignments = assignments.filter(project=project)
    return assignments.open().select_related("project", "article").order_by("project__name", "position", "pk")


def next_assignment(
    user, *, project: Project | None = None, after: Article | None = None
) -> Assignment | None:
    """Return the assignment "Next article" opens: the first open one, other than the article `after`."""
    assignments = queue(user, project)
    if after is not None:
        assignments = assignments.exclude(article=after)
    return assignments.first()


def is_done(article: Article | int, user) -> bool:
    return Completion.objects.done().filter(article=article, analyst=user).exists()


def mark_done(article: Article, user) -> Completion:
    """Mark the article done for the user; marking it again changes nothing."""
    completion, _ = Completion.objects.get_or_create(article=article, analyst=user)
    if completion.done_at is None:
        completion.done_at = timezone.now()
        completion.save(update_fields=["done_at"])
    return completion


def reopen(article: Article, user) -> Completion | None:
    """Take the user's "done" back; the time of the reopening is kept."""
    completion = Completion.objects.filter(article=article, analyst=user).first()
    if completion is not None and completion.done_at is not None:
        completion.done_at = None
        completion.reopened_at = timezone.now()
        completion.save(update_fields=["done_at", "reopened_at"])
    return completion


def article_projects(article: Article, user) -> list[Project]:
    """Return the projects holding this article that the user may see, by name."""
    return list(projects_for(user).filter(entries__article=article).distinct().order_by("name", "pk"))


# ---- The project page ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """Assigned, done and spans of one analyst (or of the whole project) on their assigned articles."""

    name: str
    assigned: int = 0
    done: int = 0
    spans: int = 0

    @property
    def left(self) -> int:
        return self.assigned - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.assigned) if self.assigned else 0


@dataclass
class ArticleRow:
    """One article of the project page: who labels it, who is done, and whether it is curated."""

    entry: ProjectArticle
    analysts: list[tuple[str, bool, int]] = field(default_factory=list)  # username, done, spans
    gold_spans: int = 0

    @property
    def article(self) -> Article:
        return self.entry.article

    @property
    def all_done(self) -> bool:
        return bool(self.analysts) and all(done for _, done, _ in self.analysts)


@dataclass
class ProjectProgress:
    overall: Tally
    analysts: list[Tally]
    articles: list[ArticleRow]

    @property
    def ready_to_curate(self) -> int:
        return sum(1 for row in self.articles if row.all_done and not row.entry.is_curated)

    @property
    def curated(self) -> int:
        return sum(1 for row in self.articles if row.entry.is_curated)


def progress(project: Project) -> ProjectProgress:
    """Return the project page's figures, in a fixed number of queries whatever the project's size."""
    assignments = list(
        Assignment.objects.filter(project=project, article__deleted_at__isnull=True)
        .with_done()
        .select_related("analyst")
        .order_by("position", "analyst__username")
    )
    span_counts = {
        (row["article_id"], row["reviewer_id"]): row["n"]
        for row in Annotation.objects.live()
        .filter(article__project_entries__project=project)
        .values("article_id", "reviewer_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    tallies: dict[int, Tally] = {
        user.pk: Tally(user.get_username())
        for user in sorted(project.analysts.all(), key=lambda u: u.get_username())
    }
    overall = Tally("All analysts")
    by_article: dict[int, list[tuple[str, bool, int]]] = defaultdict(list)
    for assignment in assignments:
        spans = span_counts.get((assignment.article_id, assignment.analyst_id), 0)
        tally = tallies.setdefault(assignment.analyst_id, Tally(assignment.analyst.get_username()))
        for t in (tally, overall):
            t.assigned += 1
            t.done += int(assignment.is_done)
            t.spans += spans
        by_article[assignment.article_id].append(
            (assignment.analyst.get_username(), assignment.is_done, spans)
        )
    entries = (
        ProjectArticle.objects.filter(project=project, article__deleted_at__isnull=True)
        .select_related("article", "article__publisher", "curated_by")
        .defer("article__raw_text")
    )
    rows = [
        ArticleRow(
            entry,
            by_article.get(entry.article_id, []),
            span_counts.get((entry.article_id, project.gold_reviewer_id), 0),
        )
        for entry in entries
    ]
    return ProjectProgress(overall, list(tallies.values()), rows)
