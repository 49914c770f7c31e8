"""The API's defaults, named once in `REST_FRAMEWORK` (settings.py): the strict JSON parser, paging and the
strict filter backend.

DRF imports these while it defines its own views, so this module must not import `rest_framework.views`,
`rest_framework.generics` or the models.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser

COMMON_PARAMETERS = {"page", "page_size", "format"}


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

    def get_page_size(self, request):
        # DRF takes `page=` for page 1, though the schema says integer: refused like any empty parameter.
        if request.query_params.get(self.page_query_param) == "":
            raise exceptions.ValidationError(
                {self.page_query_param: ["This parameter is empty: give a value or leave it out."]}
            )
        # DRF falls back to the default page size for a page_size that is no number; the schema says integer.
        requested = request.query_params.get(self.page_size_query_param)
        if requested is not None:
            try:
                int(requested)
            except ValueError:
                raise exceptions.ValidationError(
                    {self.page_size_query_param: [f"{requested!r} is not a whole number."]}
                ) from None
        return super().get_page_size(request)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus a 400 for query parameters that are no filter (a typo would silently match all)."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset  # filters narrow lists; a detail lookup ignores them
        filterset_class = self.get_filterset_class(view, queryset)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        # Without paging (the export streams everything) page and page_size would be silently ignored.
        common = COMMON_PARAMETERS if getattr(view, "pagination_class", None) else {"format"}
        # A view may take parameters of its own besides the filters (the export's format options): those its
        # query serializer checks.
        own = view.query_parameters() if hasattr(view, "query_parameters") else ()
        accepted = sorted({*filters, *common, *own})
        unknown = sorted(set(request.query_params) - set(accepted))
        if unknown:
            raise exceptions.ValidationError(
                {
                    name: [f"Unknown query parameter {name!r}. Accepted: {', '.join(accepted)}."]
                    for name in unknown
                }
            )
        # django-filter ignores an empty value, so `published_before=` would match everything although no
        # date is empty; leaving the parameter out is how to ask for no filter.
        empty = sorted(name for name in filters if "" in request.query_params.getlist(name))
        if empty:
            raise exceptions.ValidationError(
                {name: ["This parameter is empty: give a value or leave it out."] for name in empty}
            )
        return super().filter_queryset(request, queryset, view)
