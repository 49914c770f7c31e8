"""Importing a web page over the API: by its address (fetched safely) or as HTML (a saved page, or the page
a browser shows behind a login)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from annotator.api import schema
from annotator.api.base import ApiView
from annotator.api.defaults import StrictJSONParser
from annotator.api.serializers import QuerySerializer, RefuseUnknownFields
from annotator.api.views import UNAUTHENTICATED
from articles.importers import ImportFailed, web


class PageImportSerializer(RefuseUnknownFields, serializers.Serializer):
    """A web page to import, by address or as HTML; a field not listed here is a 400 naming it."""

    url = serializers.CharField(
        required=False,
        max_length=2000,
        help_text="The page's address. Alone, the page is fetched from it (public http(s) addresses only); "
        "with `html` or `file`, it says where that HTML comes from.",
    )
    html = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The page's HTML, as a browser shows it."
    )
    file = serializers.FileField(required=False, help_text="A saved HTML page (multipart upload).")

    def validate(self, data: dict) -> dict:
        if not any(data.get(name) for name in ("url", "html", "file")):
            raise serializers.ValidationError("Give the page's `url`, its `html`, or a saved page as `file`.")
        if data.get("html") and data.get("file"):
            raise serializers.ValidationError("Give the page as `html` or as `file`, not both.")
        return data


class PageImportResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(
        help_text="False when the page (same canonical URL, or the same text) was stored already."
    )
    detail = serializers.CharField()
    id = serializers.IntegerField(help_text="The article's id.")
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True, help_text="The page's canonical URL, else its address.")
    article = serializers.URLField(help_text="The article in the API.")
    page = serializers.URLField(help_text="The article's page in the workbench.")


PageImportError = schema.field_errors("PageImportErrorSerializer", ["url", "html", "file"])


class PageImportView(ApiView):
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    serializer_class = PageImportSerializer
    query_serializer_class = QuerySerializer

    @extend_schema(
        summary="Import a web page (by address or as HTML)",
        description=(
            "Extracts the article (title, author as byline, date, site name as publisher, canonical URL, "
            "language, one paragraph per block) and keeps the page's HTML as the article's raw text. "
            "A page already stored (same canonical URL, or the same text) is not imported again: the answer "
            "is 200 with `created: false` and the stored article. Fetching refuses anything but public "
            "http(s) pages of HTML within the size, time and redirect limits (400, nothing written)."
        ),
        request={"application/json": PageImportSerializer, "multipart/form-data": PageImportSerializer},
        responses={
            201: PageImportResultSerializer,
            200: OpenApiResponse(PageImportResultSerializer, description="Imported before: the stored one."),
            400: OpenApiResponse(
                PageImportError, description="Why the page was refused (`detail`), or what the request lacks."
            ),
            401: UNAUTHENTICATED,
        },
    )
    def post(self, request, *args, **kwargs):
        given = PageImportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            if data.get("file") is not None:
                result = web.import_page(data["file"].read(), url=data.get("url"), imported_by=request.user)
            elif data.get("html"):
                result = web.import_page(data["html"], url=data.get("url"), imported_by=request.user)
            else:
                result = web.import_url(data["url"], imported_by=request.user)
        except ImportFailed as error:
            message = f"The page was not imported: {error}."
            return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            answer(request, result), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


def answer(request, result: web.PageImport) -> dict:
    article = result.article
    said = "Imported" if result.created else "Already imported; not imported again"
    return {
        "created": result.created,
        "detail": f"{said}: {article.title}",
        "id": article.pk,
        "title": article.title,
        "url": article.url,
        "article": request.build_absolute_uri(reverse("api:article-detail", args=[article.pk])),
        "page": request.build_absolute_uri(reverse("annotator:article", args=[article.pk])),
    }
