"""Send an htmx request whose session has ended to the login page, instead of into a silent redirect."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

LOGGED_OUT = "You were logged out: log in again to go on."


class HtmxLoginRedirectMiddleware:
    """Turn the login redirect of an htmx request into a 401 that makes htmx load the login page.

    The browser would follow the 302 inside the XMLHttpRequest and htmx would get the login form as the
    answer to, say, a tag: nothing is saved and nothing is shown. htmx 2 acts on `HX-Redirect` whatever the
    status, so the whole page goes to the login page, with `next` pointing back at the page the user was on
    (not at the URL the request was sent to, which may only take a POST). The 401 keeps scripts that do not
    follow `HX-Redirect` from taking the answer for a success. History restores are left alone: htmx
    swaps a redirected answer to them in as the page, which already shows the login form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not self._is_login_redirect_of_htmx(request, response):
            return response
        next_page = self._current_page(request)
        login_url = redirect_to_login(next_page).url if next_page else resolve_url(settings.LOGIN_URL)
        messages.info(request, LOGGED_OUT, fail_silently=True)
        logged_out = HttpResponse(LOGGED_OUT, status=401, content_type="text/plain; charset=utf-8")
        logged_out["HX-Redirect"] = login_url
        return logged_out

    @staticmethod
    def _is_login_redirect_of_htmx(request: HttpRequest, response: HttpResponse) -> bool:
        if request.headers.get("HX-Request") != "true" or request.headers.get("HX-History-Restore-Request"):
            return False
        if not isinstance(response, HttpResponseRedirectBase) or request.user.is_authenticated:
            return False
        return urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)

    @staticmethod
    def _current_page(request: HttpRequest) -> str:
        """Return the path and query of the page that sent the request, or "" if it is not on this site."""
        current = request.headers.get("HX-Current-URL", "")
        if not url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return ""
        parts = urlsplit(current)
        if not parts.path.startswith("/"):
            return ""
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
