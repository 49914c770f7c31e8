"""Limits on password guessing: django-axes locks the login page, DRF throttles the token endpoint.

Both count by account and by client address, so one address cannot try many accounts and many addresses
cannot try one account. Locking an account also keeps its owner out until the lock-out ends: the price of
stopping a distributed guess, and why the lock-out is short rather than permanent.
"""

from __future__ import annotations

import hashlib

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

API_PREFIX = "/api/"


def client_address(request: HttpRequest) -> str | None:
    """Return the client's address as the token endpoint's throttles see it (honours PROXY_COUNT)."""
    return BaseThrottle().get_ident(request)


def is_api_request(request: HttpRequest, credentials: dict | None) -> bool:
    """Return whether axes should leave the request alone: the API has its own throttles and answers JSON."""
    return request.path.startswith(API_PREFIX)


def lockout_page(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """Return the login page's answer to a locked-out client: 429, saying for how long."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class LoginPageLockoutBackend(AxesStandaloneBackend):
    """Refuse a locked-out login; logins made in code, without a request (commands, tests), pass through."""

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class TokenAddressThrottle(SimpleRateThrottle):
    """Token requests per client address."""

    scope = "token-address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenAccountThrottle(SimpleRateThrottle):
    """Token requests per username, wherever they come from."""

    scope = "token-account"

    def get_cache_key(self, request, view) -> str | None:
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username:
            return None
        # Hashed: a cache key must be short and plain whatever the client sent as a name.
        name = hashlib.sha256(username.casefold().encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": name}
