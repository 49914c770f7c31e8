"""API tokens: issued for a username and password, stored hashed (django-rest-knox), expiring, listed and
revoked by their owner, and revoked when the owner's password changes."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from knox.models import AuthToken
from rest_framework import exceptions, mixins, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from annotator.api import schema
from annotator.api.base import ApiView, ApiViewSet
from annotator.api.defaults import StrictJSONParser
from annotator.api.serializers import RefuseUnknownFields
from annotator.login_throttle import TokenAccountThrottle, TokenAddressThrottle

TOO_MANY_TOKEN_REQUESTS = "Too many token requests for this account or from this address."
TokenError = schema.field_errors("TokenErrorSerializer", ["username", "password"])
TokenListError = schema.field_errors("TokenListErrorSerializer", ["page_size"])
THROTTLED = OpenApiResponse(
    schema.ErrorSerializer,
    description="Too many requests for this account or from this address; retry after `Retry-After` seconds.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After", int, OpenApiParameter.HEADER, description="Seconds to wait before a retry.", response=[429]
)
UNAUTHENTICATED = OpenApiResponse(schema.ErrorSerializer, description="No or bad credentials.")
NO_PAGE = OpenApiResponse(schema.ErrorSerializer, description="No such page.")
NO_TOKEN = OpenApiResponse(schema.ErrorSerializer, description="No such token of yours.")
TOKEN_ID = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="The token's id: its first 15 characters."
)


class CredentialsSerializer(RefuseUnknownFields, AuthTokenSerializer):
    """DRF's username and password, with any other field refused by name (documented as DRF's)."""

    token = None  # DRF's read-only output field: no field a client sends


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`. Shown only once.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class IssuedTokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="token_key", help_text="The token's first 15 characters.")
    current = serializers.SerializerMethodField(help_text="Whether this request was made with this token.")

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry", "current"]

    def get_current(self, token: AuthToken) -> bool:
        return self.context["request"].auth == token


class TokenView(ApiView):
    """Exchange a username and password for a token to send as `Authorization: Token <token>`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser, StrictJSONParser]
    throttle_classes = [TokenAddressThrottle, TokenAccountThrottle]
    serializer_class = CredentialsSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: TokenSerializer, 400: TokenError, 429: THROTTLED},
        parameters=[RETRY_AFTER],
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        credentials = self.get_serializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        token, secret = AuthToken.objects.create(credentials.validated_data["user"])
        return Response(TokenSerializer({"token": secret, "expiry": token.expiry}).data)

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=TOO_MANY_TOKEN_REQUESTS)


@extend_schema_view(
    list=extend_schema(
        summary="Your API tokens that have not expired",
        responses={
            200: IssuedTokenSerializer(many=True),
            400: TokenListError,
            401: UNAUTHENTICATED,
            404: NO_PAGE,
        },
        tags=["auth"],
    ),
    destroy=extend_schema(
        summary="Revoke one of your tokens",
        parameters=[TOKEN_ID],
        responses={204: None, 401: UNAUTHENTICATED, 404: NO_TOKEN},
        tags=["auth"],
    ),
)
class IssuedTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, ApiViewSet):
    """The requesting user's own tokens; another user's token is a 404."""

    serializer_class = IssuedTokenSerializer
    queryset = AuthToken.objects.none()  # the model, for the schema; `get_queryset` picks the user's tokens
    lookup_field = "token_key"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        unexpired = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
        return AuthToken.objects.filter(unexpired, user=self.request.user).order_by("-created")


def revoke_tokens_on_password_change(
    sender, instance, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """Delete a user's tokens when their password changes, whatever saves it (admin, command, form)."""
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        AuthToken.objects.filter(user_id=instance.pk).delete()
