"""The agreement pages of a project and of one of its articles, and their CSV downloads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotator.agreement import data, report, svg


def _project(request, slug):
    project = get_object_or_404(data.visible_projects(request.user), slug=slug)
    if not data.may_see_agreement(request.user, project):
        raise PermissionDenied(data.BLIND_MESSAGE)
    return project


def _context(request, project, result, scope):
    names = dict(result.labels) | {report.ALL: "All labels"}
    label = request.GET.get("label", report.ALL)
    if label not in names:
        label = report.ALL
    schemes = [*[slug for slug, _ in result.labels], report.ALL]
    measures = [
        (key, title, [(names[s], scope.figure(s, key)) for s in schemes])
        for key, title in report.MEASURES.items()
    ]
    pairs = {(p.first, p.second): p.figure for p in scope.pairs if p.label == label}
    return {
        "project": project,
        "scope": scope,
        "labels": [(s, names[s]) for s in schemes],
        "label": label,
        "measures": measures,
        "gold": request.GET.get("gold") == "1",
        "heat_map": svg.heat_map(
            scope.analysts, pairs, f"Cohen's kappa per pair of analysts, {names[label]}"
        ),
        "bars": {
            key: svg.interval_bars([(names[s], scope.figure(s, key)) for s in schemes], title)
            for key, title in (
                ("krippendorff_alpha", report.MEASURES["krippendorff_alpha"]),
                ("alpha_u", report.MEASURES["alpha_u"]),
            )
        },
        "articles": result.articles if scope.key is None else None,
        "tables": data.TABLES if scope.key is None else data.TABLES[:3],
    }


def project_agreement(request, slug):
    project = _project(request, slug)
    result = data.project_report(project, gold=request.GET.get("gold") == "1")
    return render(request, "annotator/agreement.html", _context(request, project, result, result.project))


def article_agreement(request, slug, pk):
    project = _project(request, slug)
    result = data.project_report(project, gold=request.GET.get("gold") == "1")
    scope = next((s for s in result.articles if s.key == pk), None)
    if scope is None:
        raise Http404("This article is not in the project.")
    return render(request, "annotator/agreement.html", _context(request, project, result, scope))


def agreement_csv(request, slug, table, pk=None):
    project = _project(request, slug)
    if table not in data.TABLES or (pk is not None and table == "articles"):
        raise Http404("No such table.")
    result = data.project_report(project, gold=request.GET.get("gold") == "1")
    if pk is not None and not any(s.key == pk for s in result.articles):
        raise Http404("This article is not in the project.")
    response = HttpResponse(
        data.as_csv(data.table(result, table, pk)), content_type="text/csv; charset=utf-8"
    )
    suffix = f"-article-{pk}" if pk is not None else ""
    response["Content-Disposition"] = f'attachment; filename="{project.slug}{suffix}-agreement-{table}.csv"'
    return response
