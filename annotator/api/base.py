"""What every API view shares: exemption from the login redirect, auth, parsing, paging, filters, errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import as_serializer_error
from rest_framework.viewsets import ViewSetMixin

from annotator.spans import SpanConflict

COMMON_PARAMETERS = {"page", "page_size", "format"}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed meanwhile."
    default_code = "conflict"

    def __init__(self, detail: str, *, version: int) -> None:
        super().__init__(detail)
        # Set after init: DRF would turn the version number into a string.
        self.detail = {"detail": self.detail, "version": version}


def _refuse_unstorable(value: object) -> None:
    """Raise ParseError for strings no database column can hold (NUL, lone surrogates).

    A loop, not recursion: a body nested a few hundred levels deep must get a 400, not a RecursionError.
    """
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise exceptions.ParseError("Text must not contain NUL (\\u0000) characters.")
            try:
                value.encode()
            except UnicodeEncodeError:
                raise exceptions.ParseError("Text must not contain unpaired UTF-16 surrogates.") from None
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


class StrictJSONParser(JSONParser):
    """JSON whose strings the database can store, so bad text is a 400 rather than a database error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from None
        _refuse_unstorable(data)
        return data


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus a 400 for query parameters that are no filter (a typo would silently match all)."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset  # filters narrow lists; a detail lookup ignores them
        filterset_class = self.get_filterset_class(view, queryset)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        # Without paging (the export streams everything) page and page_size would be silently ignored.
        common = COMMON_PARAMETERS if getattr(view, "pagination_class", None) else {"format"}
        accepted = sorted({*filters, *common})
        unknown = sorted(set(request.query_params) - set(accepted))
        if unknown:
            raise exceptions.ValidationError(
                {
                    name: [f"Unknown query parameter {name!r}. Accepted: {', '.join(accepted)}."]
                    for name in unknown
                }
            )
        return super().filter_queryset(request, queryset, view)


@method_decorator(login_not_required, name="dispatch")
class ApiView(GenericAPIView):
    """Base of every API view. DRF authenticates (token or session) and answers 401 itself, so the
    middleware's redirect to the login page, meant for browsers, must not apply here."""

    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]
    renderer_classes = [JSONRenderer]
    pagination_class = ApiPagination
    filter_backends = [StrictFilterBackend]

    def perform_content_negotiation(self, request, force=False):
        # DRF answers a bare 404 "Not found." to an unknown `?format=`; say what went wrong instead.
        requested = request.query_params.get("format")
        if not force and requested not in (None, "json"):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
            raise exceptions.ValidationError(
                {"format": [f"Unknown format {requested!r}. This endpoint answers JSON only: format=json."]}
            )
        return super().perform_content_negotiation(request, force)


class ApiViewSet(ViewSetMixin, ApiView):
    """Base of every API viewset."""

    # Any path segment reaches the view, so a malformed id gets the API's JSON 404, not Django's HTML one.
    lookup_value_regex = "[^/]+"


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the domain's exceptions into API errors: 400 with field messages, 403, 409."""
    try:
        yield
    except SpanConflict as error:
        raise Conflict(str(error), version=error.annotation.version) from None
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None
    except DjangoValidationError as error:
        raise exceptions.ValidationError(as_serializer_error(error)) from None
