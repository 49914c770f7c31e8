"""The "API tokens" page: a user's own unexpired tokens, each with a button that revokes it."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from knox.models import AuthToken


def _live_tokens(request: HttpRequest):
    unexpired = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(unexpired, user=request.user).order_by("-created")


@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    """The requesting user's tokens that still work."""
    return render(request, "registration/api_tokens.html", {"tokens": _live_tokens(request)})


@require_POST
def token_revoke(request: HttpRequest, token_key: str) -> HttpResponse:
    """Revoke one of the user's own tokens; another user's token is a 404."""
    deleted, _ = _live_tokens(request).filter(token_key=token_key).delete()
    if not deleted:
        raise Http404("No such token of yours.")
    messages.success(request, f"Token {token_key}… revoked: it no longer works.")
    return redirect("api-tokens")
