"""What every API view shares beyond the `REST_FRAMEWORK` defaults: exemption from the login redirect, a 400
for an unknown `?format=`, query parameters checked by a serializer, and the domain's errors as API errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import BaseSerializer, ListField, as_serializer_error
from rest_framework.viewsets import ViewSetMixin

from annotator.api.defaults import StrictFilterBackend
from annotator.api.serializers import QuerySerializer
from annotator.spans import SpanConflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed meanwhile."
    default_code = "conflict"

    def __init__(self, detail: str, *, version: int) -> None:
        super().__init__(detail)
        # Set after init: DRF would turn the version number into a string.
        self.detail = {"detail": self.detail, "version": version}


class ApiSchema(AutoSchema):
    """The OpenAPI operation of an API view: its query parameters are documented from the same serializer
    that checks them (`ApiView.query_serializer_class`)."""

    def get_override_parameters(self):
        query = self.view.get_query_serializer_class()
        documented = query is not None and query().fields  # a serializer without fields: no parameters
        return [*super().get_override_parameters(), *([query] if documented else [])]


@method_decorator(login_not_required, name="dispatch")
class ApiView(GenericAPIView):
    """Base of every API view. DRF authenticates (token or session) and answers 401 itself, so the
    middleware's redirect to the login page, meant for browsers, must not apply here."""

    # A view's query parameters are checked by its `query_serializer_class` (a viewset's, per action, by
    # `query_serializer_classes`) once the request is authenticated and allowed, before the handler runs; the
    # handler reads the validated values from `self.query`. The serializer refuses unknown parameters
    # (`RefuseUnknownFields`), except where the filter backend does, knowing the filters as well (a viewset's
    # list, see `ApiViewSet`). `format` is left to content negotiation unless the serializer takes it. The
    # default takes no parameters at all, so a view that reads none refuses every one.
    schema = ApiSchema()
    query_serializer_class: type[BaseSerializer] | None = QuerySerializer

    def get_query_serializer_class(self) -> type[BaseSerializer] | None:
        return self.query_serializer_class

    def query_parameters(self) -> list[str]:
        """Return the names of the query parameters this view (or action) takes besides filters and paging."""
        query = self.get_query_serializer_class()
        return list(query().fields) if query else []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        handled = method in self.http_method_names and method != "options" and hasattr(self, method)
        # An unhandled method gets its 405, OPTIONS its metadata: the query is the handler's.
        self.query = self.check_query(request) if handled else {}

    def check_query(self, request) -> dict:
        """Return the validated query parameters; raise ValidationError (400) naming the bad ones."""
        query_class = self.get_query_serializer_class()
        if query_class is None:
            return {}
        fields = query_class().fields
        # A plain dict, not the QueryDict: DRF reads an empty value of a form as a field left out, but
        # `?page=` is a parameter given empty, and refused as such. Lists only for the list fields.
        params = {
            name: values if isinstance(fields.get(name), ListField) else values[-1]
            for name, values in request.query_params.lists()
            if name != "format" or "format" in fields  # else judged by content negotiation
        }
        query = query_class(data=params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        return query.validated_data

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
    query_serializer_classes: dict[str, type[BaseSerializer]] = {}

    def get_query_serializer_class(self) -> type[BaseSerializer] | None:
        action = getattr(self, "action", None)
        if action in self.query_serializer_classes:
            return self.query_serializer_classes[action]
        if action == "list" and self.filters_judge_query():
            return None  # the strict filter backend refuses what is no filter, page, page_size or format
        return self.query_serializer_class

    def filters_judge_query(self) -> bool:
        """Whether the filter backend judges the whole query of a list (`StrictFilterBackend`)."""
        return any(issubclass(backend, StrictFilterBackend) for backend in self.filter_backends)


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
