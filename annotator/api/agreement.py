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
from annotator.api.serializers import QuerySerializer
from annotator.api.views import FORBIDDEN, READ_ERRORS

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


class AgreementQuerySerializer(QuerySerializer):
    gold = serializers.ChoiceField(
        choices=["0", "1"],
        default="0",
        help_text="1 counts the project's gold layer as one more reviewer, named `gold`.",
        error_messages={"invalid_choice": "Choose 0 or 1."},
    )

    def validate_gold(self, value: str) -> bool:
        return value == "1"


class AgreementTableQuerySerializer(AgreementQuerySerializer):
    format = serializers.ChoiceField(
        choices=["json", "csv"],
        default="json",
        help_text="JSON rows, or the same rows as CSV.",
        error_messages={"invalid_choice": "Choose json or csv."},
    )
    article = serializers.IntegerField(
        required=False,
        help_text="An article of the project: its figures instead of the project's.",
        error_messages={"invalid": "This article is not in the project."},
    )

    def validate(self, attrs: dict) -> dict:
        if "article" in attrs and self.context["view"].kwargs.get("table") == "articles":
            raise serializers.ValidationError({"article": ["The articles table is the project's."]})
        return attrs


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
    query_serializer_class = AgreementQuerySerializer

    @extend_schema(
        summary="Agreement of a project",
        description=(
            "Cohen's kappa per analyst pair, Fleiss' kappa and Krippendorff's alpha over tokens, "
            "Krippendorff's alpha_U over characters, per label and over all labels, each with a 95 % "
            "bootstrap interval (resampling articles); agreement on who claims are attributed to; "
            "diagnostics. Analysts see only the projects they are on."
        ),
        operation_id="project_agreement",
        parameters=[SLUG],
        responses={200: ReportSerializer, 400: ReportError, 403: FORBIDDEN, **READ_ERRORS},
    )
    def get(self, request, slug):
        project = _project(request, slug)
        result = data.project_report(project, gold=self.query["gold"])
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
    query_serializer_class = AgreementTableQuerySerializer

    def perform_content_negotiation(self, request, force=False):
        # `format` chooses JSON or CSV rows here; errors are always JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        summary="One agreement table of a project or of one of its articles, as JSON rows or CSV",
        description=(
            "The rows behind one table of the agreement page: `figures` (each measure per label and "
            "overall, with its interval), `pairs` (Cohen's kappa per analyst pair), `attribution` or "
            "`articles`. With `article`, the tables of that article only; with `format=csv`, a CSV "
            "download of the same rows."
        ),
        operation_id="project_agreement_table",
        parameters=[SLUG, TABLE],
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
        project = _project(request, slug)
        if table not in data.TABLES:
            raise Http404(f"No table {table!r}; the tables are {', '.join(data.TABLES)}.")
        output, article = self.query["format"], self.query.get("article")
        result = data.project_report(project, gold=self.query["gold"])
        if article is not None and not any(s.key == article for s in result.articles):
            raise exceptions.ValidationError({"article": ["This article is not in the project."]})
        rows = data.table(result, table, article)
        if output == "csv":
            response = HttpResponse(data.as_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{project.slug}-agreement-{table}.csv"'
            return response
        return Response(rows)
