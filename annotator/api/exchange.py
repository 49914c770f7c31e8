"""Export and import of labelled spans over HTTP."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from annotator import formats
from annotator.api import schema
from annotator.api.base import ApiView
from annotator.api.filters import ExportFilter
from annotator.api.permissions import IsStaff
from annotator.api.serializers import (
    ImportReportSerializer,
    ImportUploadSerializer,
    JudgedChoiceField,
    JudgedIntegerField,
    QuerySerializer,
)
from annotator.api.views import FORBIDDEN, UNAUTHENTICATED
from annotator.formats import label_mapping, loader, rows, w3c_collection
from annotator.formats.documents import FileRefused
from annotator.models import Annotation
from articles import importers

ExportError = schema.field_errors(
    "ExportErrorSerializer", ["format", *formats.OPTIONS, "page_size", "page", *ExportFilter.base_filters]
)


PAGING = ("page_size", "page")
MAX_PAGE_SIZE = 10_000


def _whole_number(value: str, name: str, largest: int | None = None) -> int:
    limit = f" from 1 to {largest}" if largest else " from 1"
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1 or (largest and number > largest):
        raise exceptions.ValidationError({name: [f"Give a whole number{limit}, not {value!r}."]})
    return number


def _paging(given: dict[str, str], format: formats.Format) -> tuple[int, int | None] | None:
    """Return (page size, page number or None for the collection) when `given` pages a w3c-collection,
    None when it does not page; raise ValidationError for paging that cannot apply."""
    if not given:
        return None
    if format.name != "w3c-collection":
        raise exceptions.ValidationError(
            {name: [f"'{name}' applies to format w3c-collection only, not {format.name}."] for name in given}
        )
    if "page_size" not in given:
        raise exceptions.ValidationError({"page": ["'page' needs 'page_size'."]})
    size = _whole_number(given["page_size"], "page_size", MAX_PAGE_SIZE)
    return size, _whole_number(given["page"], "page") if "page" in given else None


class _OptionField(JudgedChoiceField):
    """A format's option: its default is documented, but left out of the validated values, so `validate()`
    tells an option given (refused for a format that does not take it) from one left out."""

    def get_default(self):
        raise serializers.SkipField


class ExportQuerySerializer(serializers.Serializer):
    """The export's own query parameters: the file format, the format's options and paging. What the options
    and paging accept depends on the format, so `validate()` judges them. The filters (`ExportFilter`) are
    the export's other parameters: the filter backend refuses any parameter that is neither."""

    format = JudgedChoiceField(
        choices=sorted(formats.FORMATS),
        default=formats.DEFAULT_FORMAT,
        help_text="The file format; an unknown one is a 400 naming the accepted ones.",
    )
    page_size = JudgedIntegerField(
        required=False,
        help_text="w3c-collection only: serve the collection in pages of this many annotations "
        f"(1 to {MAX_PAGE_SIZE}), as the Web Annotation Protocol does: the collection embeds its first page, "
        "each page names the URL of the next. Without it the collection holds every annotation in one page "
        "(what a file needs).",
    )
    page = JudgedIntegerField(
        required=False, help_text="w3c-collection with page_size: serve this page (from 1) on its own."
    )

    def get_fields(self) -> dict:
        fields = super().get_fields()
        paging = {name: fields.pop(name) for name in PAGING}
        for option in formats.OPTIONS.values():  # `as` is no name a class body can declare
            fields[option.name] = _OptionField(
                choices=sorted(option.values),
                default=option.default,
                help_text=f"{option.description} Another format given this option is a 400.",
            )
        return fields | paging

    def validate_format(self, value: str) -> formats.Format:
        try:
            return formats.get(value)
        except formats.UnknownFormat as error:
            raise serializers.ValidationError(str(error)) from None

    def validate(self, attrs: dict) -> dict:
        format = attrs["format"]
        try:
            options = formats.options_for(format, {name: attrs.get(name) for name in formats.OPTIONS})
        except formats.BadOptions as error:
            raise serializers.ValidationError(error.errors) from None
        paging = _paging({name: attrs[name] for name in PAGING if name in attrs}, format)
        return {"format": format, "options": options, "paging": paging}


class SpanExportView(ApiView):
    filterset_class = ExportFilter
    pagination_class = None
    query_serializer_class = ExportQuerySerializer

    def get_queryset(self):
        # What a blind project hides from this user in the workbench stays hidden in the export.
        return Annotation.objects.visible_to(self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # `format` names the export file format here, not a DRF renderer; errors are always JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        summary="Export labelled spans",
        description=schema.EXPORT_DESCRIPTION,
        filters=True,
        responses={**schema.EXPORT_RESPONSES, 400: ExportError, 401: UNAUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        format, options, paging = self.query["format"], self.query["options"], self.query["paging"]
        queryset = self.filter_queryset(self.get_queryset())
        collection_id = request.build_absolute_uri()
        if paging:
            pages, total, queryset, collection_id = self._page(request, queryset, *paging)
            options |= {"pages": pages, "total": total}
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
            collection_id=collection_id,
        )
        response = StreamingHttpResponse(stream, content_type=format.media_type)
        response["Content-Disposition"] = f'attachment; filename="spans.{format.extension}"'
        return response

    @staticmethod
    def _page(request, queryset, size: int, number: int | None):
        """Return the paging of a w3c-collection, its number of spans, the spans of the page served and the
        collection's IRI."""
        query = request.query_params.copy()
        query.pop("page", None)
        collection_id = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        pages = w3c_collection.Pages(size=size, number=number, url=lambda k: f"{collection_id}&page={k}")
        total = rows.exportable(queryset).count()
        count = pages.count(total)
        if number is not None and number > count:
            message = (
                f"Page {number} does not exist: the collection has {count} page{'s' if count > 1 else ''}."
            )
            raise exceptions.ValidationError({"page": [message]})
        return pages, total, rows.page_of(queryset, number or 1, size), collection_id


class SpanImportView(ApiView):
    permission_classes = [IsAuthenticated, IsStaff]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportUploadSerializer
    query_serializer_class = QuerySerializer

    @extend_schema(
        summary="Import spans from our JSONL or W3C export, or doccano, Label Studio, brat or CoNLL (staff)",
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
            "`restore_deleted` is set.\n\n"
            "Peer formats (`format=doccano`, `label-studio`, `brat`, `conll`): each document's text finds "
            "its article (by the checksum or article id our exports carry, by the same text white space "
            "aside, or by URL) or becomes a new article; its spans are then anchored and reported as above. "
            "Labels match ours by slug or name, or by `labels` mappings (`claim=attributed_claim`); an "
            "unknown label refuses the file with the list of known ones. doccano offsets are code points "
            "(`offsets=utf16` for a project that does not count grapheme clusters); each Label Studio result"
            " is read in code points (Label Studio 1.23) or UTF-16 units (older versions), whichever holds "
            "its `text`, else placed by its `text`. brat: `file` is the `.ann`, `text_file` the `.txt`, "
            "or `file` is a zip of `.txt`/`.ann` pairs (our `format=brat` export); `#` notes become span "
            "notes. Relations, events, attributes, normalisations, discontinuous spans and"
            " predictions are listed in `not_imported`, never dropped silently. A file that is not of its "
            "format gets one `file` error."
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
        files = []
        for key in ("file", "text_file"):
            upload_file = options.get(key)
            if upload_file is None:
                continue
            try:
                importers.check_size(upload_file.size)
                name = upload_file.name or key
                files += loader.decode_upload(name, upload_file.read())
            except importers.ImportFailed as error:
                raise exceptions.ValidationError({key: [str(error)]}) from None
        format = options.get("format") or loader.detect_files(files)
        if format in loader.PEER_FORMATS and default_reviewer is None:
            default_reviewer = request.user  # doccano, brat and CoNLL name no reviewer: the spans are yours
        try:
            report = loader.load_files(
                files,
                format=format,
                mapping=label_mapping.parse(options["labels"]),
                offsets=options["offsets"],
                partial=options["partial"],
                dry_run=options["dry_run"],
                default_reviewer=default_reviewer,
                importer=request.user,
                restore_deleted=options["restore_deleted"],
            )
        except label_mapping.MappingError as error:
            raise exceptions.ValidationError({"labels": [str(error)]}) from None
        except FileRefused as error:
            raise exceptions.ValidationError({"file": [f"{error} Nothing was imported."]}) from None
        # A dry run answers as the real run would, so it can serve as a check before the import.
        failed = bool(report.problems) and not options["partial"]
        return Response(
            report.as_dict(), status=status.HTTP_400_BAD_REQUEST if failed else status.HTTP_200_OK
        )
