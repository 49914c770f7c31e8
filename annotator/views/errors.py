"""Error pages the framework asks for by setting: what a refused form post tells the analyst."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render

CSRF_MESSAGE = (
    "This page's security token is missing or out of date (after logging in again, or in another tab), so "
    "nothing was saved. Reload the page and try again."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer a post without a valid CSRF token: plain text for htmx (the workbench shows it as a notice),
    a page otherwise. Django's default page speaks to developers, not to analysts."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponseForbidden(CSRF_MESSAGE, content_type="text/plain; charset=utf-8")
    return render(request, "403_csrf.html", {"message": CSRF_MESSAGE}, status=403)
