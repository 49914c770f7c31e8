"""A project's agreement report from the database, cached until its spans change."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from collections import OrderedDict, defaultdict

from django.db.models import Count, Max, Q

from annotator.agreement import report
from annotator.agreement.units import SpanRecord
from annotator.models import Annotation, AnnotationChange, Assignment, Label, Project
from annotator.projects import projects_for
from articles.models import Paragraph

GOLD = "gold"
_lock = threading.Lock()


def visible_projects(user):
    """The projects whose agreement the user may see: those they may see at all."""
    return projects_for(user)


BLIND_MESSAGE = (
    "This project is blind: its agreement is shown to staff and its curators only, so that no analyst can "
    "read another's labelling from the figures."
)


def may_see_agreement(user, project: Project) -> bool:
    """In a blind project, the figures would let an analyst read another's labelling (a kappa of 1 on a short
    article says their spans are the same), so only staff and curators see them."""
    return not project.blind or project.can_curate(user)


def _signature(project: Project, gold: bool) -> str:
    """What the report depends on: the spans of the project's articles (count, newest write, newest history
    entry), its assignments and the labels. Any span written, deleted or undone changes it."""
    article_ids = project.entries.values("article_id")
    spans = Annotation.objects.filter(article_id__in=article_ids).aggregate(
        n=Count("id", filter=Q(deleted_at__isnull=True)), latest=Max("updated_at")
    )
    change = AnnotationChange.objects.filter(article_id__in=article_ids).aggregate(latest=Max("id"))
    assignments = Assignment.objects.filter(project=project).aggregate(n=Count("id"), latest=Max("id"))
    labels = Label.objects.aggregate(n=Count("id"), latest=Max("id"))
    return ":".join(
        str(v)
        for v in (
            project.pk,
            gold,
            spans["n"],
            spans["latest"],
            change["latest"],
            assignments["n"],
            assignments["latest"],
            labels["n"],
            labels["latest"],
        )
    )


def documents(project: Project, gold: bool = False) -> tuple[list[report.Document], list[tuple[str, str]]]:
    """Return the project's articles as plain documents: each with the analysts assigned to it (and the gold
    layer as one more reviewer named "gold" where it has spans, when `gold`) and their live spans."""
    entries = list(project.entries.select_related("article").order_by("position", "id"))
    ids = [e.article_id for e in entries]
    paragraphs = defaultdict(list)
    for article_id, pk, text in (
        Paragraph.objects.filter(article_id__in=ids)
        .order_by("article_id", "position")
        .values_list("article_id", "id", "text")
    ):
        paragraphs[article_id].append((pk, text))
    assigned = defaultdict(list)
    for article_id, username in (
        Assignment.objects.filter(project=project)
        .order_by("analyst__username")
        .values_list("article_id", "analyst__username")
    ):
        assigned[article_id].append(username)
    spans = Annotation.objects.live().filter(article_id__in=ids)
    reviewers = Q(reviewer__analyst_projects=project)
    if gold:
        reviewers |= Q(reviewer=project.gold_reviewer_id)
    rows = spans.filter(reviewers).values_list(
        "article_id",
        "paragraph_id",
        "start",
        "end",
        "label__slug",
        "reviewer__username",
        "reviewer_id",
        "attributed_to",
    )
    by_article = defaultdict(list)
    for article_id, paragraph_id, start, end, label, username, reviewer_id, attributed_to in rows:
        name = GOLD if reviewer_id == project.gold_reviewer_id else username
        by_article[article_id].append((paragraph_id, start, end, label, name, attributed_to))
    docs = []
    for entry in entries:
        index = {pk: i for i, (pk, _) in enumerate(paragraphs[entry.article_id])}
        analysts = list(assigned[entry.article_id])
        records = [
            SpanRecord(name, label, index[p], start, end, attributed_to)
            for p, start, end, label, name, attributed_to in by_article[entry.article_id]
            if (name in analysts or name == GOLD) and p in index
        ]
        if gold and any(r.analyst == GOLD for r in records):
            analysts.append(GOLD)
        docs.append(
            report.Document(
                entry.article_id,
                entry.article.title,
                [t for _, t in paragraphs[entry.article_id]],
                analysts,
                records,
            )
        )
    labels = list(Label.objects.order_by("order", "name").values_list("slug", "name"))
    return docs, labels


_reports: OrderedDict[str, report.Report] = OrderedDict()
KEPT_REPORTS = 16


def project_report(project: Project, gold: bool = False) -> report.Report:
    """Return the project's report, recomputed only when its spans, assignments or labels changed.

    Kept in this process's memory (the last KEPT_REPORTS of them) rather than in Django's cache: a cache
    backend would pickle and unpickle thousands of figures on every page load, which costs more than the
    queries that tell whether anything changed.
    """
    key = hashlib.sha256(_signature(project, gold).encode()).hexdigest()
    with _lock:
        cached = _reports.get(key)
        if cached is not None:
            _reports.move_to_end(key)
            return cached
    docs, labels = documents(project, gold)
    result = report.build(docs, labels)
    with _lock:
        _reports[key] = result
        while len(_reports) > KEPT_REPORTS:
            _reports.popitem(last=False)
    return result


def forget_reports() -> None:
    """Drop every kept report (tests start from nothing)."""
    with _lock:
        _reports.clear()


# --- tables (the page, the CSV downloads and the API share them) -------------------------------------------

TABLES = ("figures", "pairs", "attribution", "articles")


def _number(value):
    return None if value is None else round(value, 4)


def table(result: report.Report, name: str, article: int | None = None) -> list[dict]:
    """Return one table as rows of plain values."""
    scopes = [result.project] if article is None else [s for s in result.articles if s.key == article]
    names = dict(result.labels) | {report.ALL: "All labels"}
    out = []
    for scope in scopes:
        if name == "figures":
            out += [
                {
                    "label": r.label,
                    "label_name": names.get(r.label, r.label),
                    "measure": r.measure,
                    "value": _number(r.figure.value),
                    "low": _number(r.figure.low),
                    "high": _number(r.figure.high),
                }
                for r in scope.rows
            ]
        elif name == "pairs":
            out += [
                {
                    "label": p.label,
                    "first": p.first,
                    "second": p.second,
                    "tokens": p.tokens,
                    "cohen_kappa": _number(p.figure.value),
                    "low": _number(p.figure.low),
                    "high": _number(p.figure.high),
                }
                for p in scope.pairs
            ]
        elif name == "attribution":
            out += [
                {
                    "first": p.first,
                    "second": p.second,
                    "matched_claims": p.matched,
                    "same_source": _number(p.same.value),
                    "low": _number(p.same.low),
                    "high": _number(p.same.high),
                }
                for p in scope.attribution_pairs
            ]
    if name == "articles" and article is None:
        for scope in result.articles:
            row = {
                "article": scope.key,
                "title": scope.title,
                "analysts": " ".join(scope.analysts),
                "tokens": scope.tokens,
            }
            for measure in ("krippendorff_alpha", "alpha_u"):
                f = scope.figure(report.ALL, measure)
                row |= {
                    measure: _number(f.value),
                    f"{measure}_low": _number(f.low),
                    f"{measure}_high": _number(f.high),
                }
            row["diagnostics"] = len(scope.diagnostics)
            out.append(row)
    return out


def as_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()
