"""Who may do what through the API. Composed in the viewsets with `&` / `|`."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from annotator import spans


class ReadOnly(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS


class IsStaff(BasePermission):
    message = "Only staff may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_staff)


class IsReviewerOrStaff(BasePermission):
    """Writes to a span: its reviewer, or staff (the same rule as `spans.can_edit`)."""

    message = "You can only change your own spans."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        return spans.can_edit(request.user, obj)
