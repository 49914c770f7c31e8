"""Who may do what through the API.

Views list these after IsAuthenticated (a list is an AND): DRF's `&`/`|` operators drop each class's
`message`, and the messages tell the client why.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from annotator import spans


class IsStaff(BasePermission):
    message = "Only staff may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_staff)


class StaffWrites(IsStaff):
    """Anyone signed in reads; only staff write."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


class CanEditSpan(BasePermission):
    """Anyone signed in reads spans; writes go to the span's reviewer or staff (as in `spans.can_edit`).

    One class rather than `ReadOnly | ...`: an OR of permissions loses this message.
    """

    message = "You can only change your own spans."

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or spans.can_edit(request.user, obj)
