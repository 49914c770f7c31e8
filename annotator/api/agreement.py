"""A project's agreement over the API: the whole report, and each table as JSON or CSV."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from annotator.agreement import data, report
from annotator.api import schema
from annotator.api.base import ApiView
from annotator.api.views import FORBIDDEN, READ_ERRORS

GOLD = OpenApiParameter(
    "gold",
    str,
    enum=["0", "1"],
    default="0",
    description="1 counts the project's gold layer as one more reviewer, named `gold`.",
)
SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The project's slug (as in its page's address)."
)
TABLE = OpenApiParameter(
    "table",
    str,
    OpenApiParameter.PATH,
    enum=list(data.TABLES),
    description="figures: every measure per label; pairs: Cohen's kappa per analyst pair; attribution: "
    "agreement on who claims are attributed to, per pair; articles: the project's articles with their "
    "all-labels figures.",
)
OUTPUT = OpenApiParameter(
    "format", str, enum=["json", "csv"], default="json", description="JSON rows, or the same rows as CSV."
)
ARTICLE = OpenApiParameter(
    "article", int, description="An article of the project: its figures instead of the project's."
)
ReportError = schema.field_errors("AgreementReportErrorSerializer", ["gold"])
TableError = schema.field_errors("AgreementTableErrorSerializer", ["gold", "format", "article"])


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True, help_text="95 % bootstrap interval, lower end.")
    high = serializers.FloatField(allow_null=True, help_text="95 % bootstrap interval, upper end.")


class FigureRowSerializer(FigureSerializer):
    label = serializers.CharField(help_text="A label's slug, or `all`.")
    label_name = serializers.CharField()
    measure = serializers.ChoiceField(choices=list(report.MEASURES))


class PairRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    first = serializers.CharField()
    second = serializers.CharField()
    tokens = serializers.IntegerField()
    cohen_kappa = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)


class AttributionRowSerializer(serializers.Serializer):
    first = serializers.CharField()
    second = serializers.CharField()
    matched_claims = serializers.IntegerField()
    same_source = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)


class ArticleRowSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    title = serializers.CharField()
    analysts = serializers.CharField()
    tokens = serializers.IntegerField()
    krippendorff_alpha = serializers.FloatField(allow_null=True)
    krippendorff_alpha_low = serializers.FloatField(allow_null=True)
    krippendorff_alpha_high = serializers.FloatField(allow_null=True)
    alpha_u = serializers.FloatField(allow_null=True)
    alpha_u_low = serializers.FloatField(allow_null=True)
    alpha_u_high = serializers.FloatField(allow_null=True)
    diagnostics = serializers.IntegerField()


class ScopeSerializer(serializers.Serializer):
    article = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    analysts = serializers.ListField(child=serializers.CharField())
    tokens = serializers.IntegerField()
    resampled_blocks = serializers.IntegerField(help_text="Articles (project) or paragraphs (article).")
    diagnostics = serializers.ListField(child=serializers.CharField())
    figures = FigureRowSerializer(many=True)
    pairs = PairRowSerializer(many=True)
    attribution = AttributionRowSerializer(many=True)
    attribution_alpha = FigureSerializer()


class ReportSerializer(serializers.Serializer):
    project = serializers.CharField()
    labels = serializers.DictField(child=serializers.CharField())
    overall = ScopeSerializer()
    articles = ArticleRowSerializer(many=True)


def _gold(request) -> bool:
    gold = request.query_params.get("gold", "0")
    if gold not in ("0", "1"):
        raise exceptions.ValidationError({"gold": ["Choose 0 or 1."]})
    return gold == "1"


def _project(request, slug):
    project = data.visible_projects(request.user).filter(slug=slug).first()
    if project is None:
        raise Http404("No such project, or you are not on it.")
    if not data.may_see_agreement(request.user, project):
        raise exceptions.PermissionDenied(data.BLIND_MESSAGE)
    return project


def _scope(result, scope):
    return {
        "article": scope.key,
        "title": scope.title,
        "analysts": scope.analysts,
        "tokens": scope.tokens,
        "resampled_blocks": scope.blocks,
        "diagnostics": scope.diagnostics,
        "figures": data.table(result, "figures", scope.key),
        "pairs": data.table(result, "pairs", scope.key),
        "attribution": data.table(result, "attribution", scope.key),
        "attribution_alpha": {
            "value": scope.attribution.value,
            "low": scope.attribution.low,
            "high": scope.attribution.high,
        },
    }


class ProjectAgreementView(ApiView):
    pagination_class = None

    @extend_schema(
        summary="Agreement of a project",
        description=(
            "Cohen's kappa per analyst pair, Fleiss' kappa and Krippendorff's alpha over tokens, "
            "Krippendorff's alpha_U over characters, per label and over all labels, each with a 95 % "
            "bootstrap interval (resampling articles); agreement on who claims are attributed to; "
            "diagnostics. Analysts see only the projects they are on."
        ),
        operation_id="project_agreement",
        parameters=[SLUG, GOLD],
        responses={200: ReportSerializer, 400: ReportError, 403: FORBIDDEN, **READ_ERRORS},
    )
    def get(self, request, slug):
        gold = _gold(request)
        project = _project(request, slug)
        result = data.project_report(project, gold=gold)
        return Response(
            {
                "project": project.slug,
                "labels": dict(result.labels),
                "overall": _scope(result, result.project),
                "articles": data.table(result, "articles"),
            }
        )


class AgreementTableView(ApiView):
    pagination_class = None

    def perform_content_negotiation(self, request, force=False):
        # `format` chooses JSON or CSV rows here; errors are always JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        summary="One agreement table of a project or of one of its articles, as JSON rows or CSV",
        operation_id="project_agreement_table",
        parameters=[SLUG, TABLE, GOLD, OUTPUT, ARTICLE],
        responses={
            (200, "application/json"): OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="AgreementTableRow",
                    serializers=[
                        FigureRowSerializer,
                        PairRowSerializer,
                        AttributionRowSerializer,
                        ArticleRowSerializer,
                    ],
                    resource_type_field_name=None,
                    many=True,
                ),
                description="The table's rows, shaped as the table named in the path.",
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="With format=csv: a header row, then the same rows."
            ),
            400: TableError,
            403: FORBIDDEN,
            **READ_ERRORS,
        },
    )
    def get(self, request, slug, table):
        gold = _gold(request)
        project = _project(request, slug)
        if table not in data.TABLES:
            raise Http404(f"No table {table!r}; the tables are {', '.join(data.TABLES)}.")
        output = request.query_params.get("format", "json")
        if output not in ("json", "csv"):
            raise exceptions.ValidationError({"format": ["Choose json or csv."]})
        article = request.query_params.get("article")
        result = data.project_report(project, gold=gold)
        if article is not None:
            if not article.isdigit() or not any(s.key == int(article) for s in result.articles):
                raise exceptions.ValidationError({"article": ["This article is not in the project."]})
            if table == "articles":
                raise exceptions.ValidationError({"article": ["The articles table is the project's."]})
            article = int(article)
        rows = data.table(result, table, article)
        if output == "csv":
            response = HttpResponse(data.as_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{project.slug}-agreement-{table}.csv"'
            return response
        return Response(rows)
