"""Export and import of labelled spans over HTTP."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from annotator import formats
from annotator.api import schema
from annotator.api.base import ApiView
from annotator.api.filters import ExportFilter
from annotator.api.permissions import IsStaff
from annotator.api.serializers import ImportReportSerializer, ImportUploadSerializer
from annotator.api.views import FORBIDDEN, UNAUTHENTICATED
from annotator.formats import loader, rows
from annotator.models import Annotation
from articles import importers

ExportError = schema.field_errors(
    "ExportErrorSerializer", ["format", *formats.OPTIONS, *ExportFilter.base_filters]
)


class SpanExportView(ApiView):
    filterset_class = ExportFilter
    pagination_class = None
    extra_query_parameters = tuple(formats.OPTIONS)

    def get_queryset(self):
        return Annotation.objects.all()

    def perform_content_negotiation(self, request, force=False):
        # `format` names the export file format here, not a DRF renderer; errors are always JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        summary="Export labelled spans",
        description=schema.EXPORT_DESCRIPTION,
        filters=True,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(formats.FORMATS),
                default=formats.DEFAULT_FORMAT,
                description="The file format; an unknown one is a 400 naming the accepted ones.",
            ),
            *(
                OpenApiParameter(
                    option.name,
                    str,
                    enum=list(option.values),
                    default=option.default,
                    description=f"{option.description} Another format given this option is a 400.",
                )
                for option in formats.OPTIONS.values()
            ),
        ],
        responses={**schema.EXPORT_RESPONSES, 400: ExportError, 401: UNAUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        try:
            format = formats.get(request.query_params.get("format", formats.DEFAULT_FORMAT))
        except formats.UnknownFormat as error:
            raise exceptions.ValidationError({"format": [str(error)]}) from None
        try:
            options = formats.options_for(
                format, {name: request.query_params.get(name) for name in formats.OPTIONS}
            )
        except formats.BadOptions as error:
            raise exceptions.ValidationError(error.errors) from None
        queryset = self.filter_queryset(self.get_queryset())
        # Checked before the first byte: a target that cannot hold some spans gets none, never a part.
        refused = rows.refusal(queryset, format, options)
        if refused:
            raise exceptions.ValidationError(refused)
        base = request.build_absolute_uri(reverse("api:annotation-list"))
        stream = rows.stream(
            queryset,
            format,
            annotation_base=base,
            options=options,
            collection_id=request.build_absolute_uri(),
        )
        response = StreamingHttpResponse(stream, content_type=format.media_type)
        response["Content-Disposition"] = f'attachment; filename="spans.{format.extension}"'
        return response


class SpanImportView(ApiView):
    permission_classes = [IsAuthenticated, IsStaff]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportUploadSerializer

    @extend_schema(
        summary="Import spans from our JSONL or W3C export (staff)",
        description=(
            "Each span is found by its article (checksum, else url), anchored by its position and checked by "
            "its quote; when the position no longer holds the quote it is searched by quote, prefix and "
            "suffix. Spans that cannot be placed without guessing are reported, never guessed. Spans keep "
            "the creation and update times of the file (`created_at`/`updated_at`, W3C `created`/"
            "`modified`); the history records them as imported by you. Each line is checked by the "
            "`SpanRecord` schema (the export's JSONL line; a W3C annotation is read into the same "
            "fields) and each span by the same rules as a span tagged over the API: edge white space "
            "trimmed, limits of note and attribution. One transaction: with any problem nothing is written "
            "(400) unless `partial` is set. A span deleted here since the export is not brought back: it "
            'is listed in `not_restored` ("deleted since the export, not restored") unless '
            "`restore_deleted` is set."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(
                schema.ImportFailureSerializer,
                description="Problems, each with its line; nothing was written (with `dry_run`: the real "
                "import would be refused). A bad upload (no file, bad option) gets field errors.",
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        options = upload.validated_data
        default_reviewer = None
        if options.get("default_reviewer"):
            default_reviewer = get_user_model().objects.filter(username=options["default_reviewer"]).first()
            if default_reviewer is None:
                message = f"Unknown user {options['default_reviewer']!r}."
                raise exceptions.ValidationError({"default_reviewer": [message]})
        try:
            importers.check_size(options["file"].size)
            content = importers.decode(options["file"].read())
        except importers.ImportFailed as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from None
        report = loader.load(
            loader.read(content, options.get("format")),
            partial=options["partial"],
            dry_run=options["dry_run"],
            default_reviewer=default_reviewer,
            importer=request.user,
            restore_deleted=options["restore_deleted"],
        )
        # A dry run answers as the real run would, so it can serve as a check before the import.
        failed = bool(report.problems) and not options["partial"]
        return Response(
            report.as_dict(), status=status.HTTP_400_BAD_REQUEST if failed else status.HTTP_200_OK
        )
