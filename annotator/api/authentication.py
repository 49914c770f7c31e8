"""Token authentication, named in `REST_FRAMEWORK`: DRF imports it while it defines its own views, so this
module imports no view and no model of ours."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.models import AuthToken


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's token check, in one query: knox also reads all the user's other tokens on every request to
    delete the expired ones among them; here an expired token is deleted when it is presented, and the
    token list leaves out the others."""

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """Describe the token header in the OpenAPI schema, as for DRF's own tokens."""

    target_class = ExpiringTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
