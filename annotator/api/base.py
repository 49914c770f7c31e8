"""What every API view shares beyond the `REST_FRAMEWORK` defaults: exemption from the login redirect, a 400
for an unknown `?format=`, and the domain's errors as API errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import as_serializer_error
from rest_framework.viewsets import ViewSetMixin

from annotator.spans import SpanConflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed meanwhile."
    default_code = "conflict"

    def __init__(self, detail: str, *, version: int) -> None:
        super().__init__(detail)
        # Set after init: DRF would turn the version number into a string.
        self.detail = {"detail": self.detail, "version": version}


@method_decorator(login_not_required, name="dispatch")
class ApiView(GenericAPIView):
    """Base of every API view. DRF authenticates (token or session) and answers 401 itself, so the
    middleware's redirect to the login page, meant for browsers, must not apply here."""

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
