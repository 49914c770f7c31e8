from django.urls import path

from annotator.views import suggestions, transfer

app_name = "reuse"

urlpatterns = [
    path("articles/<int:pk>/transfer/<int:target>/", transfer.transfer_preview, name="transfer"),
    path("articles/<int:pk>/transfer/<int:target>/apply/", transfer.transfer_apply, name="transfer-apply"),
    path("articles/<int:pk>/suggestions/", suggestions.suggestion_list, name="suggestions"),
    path(
        "articles/<int:pk>/suggestions/accept-all/",
        suggestions.suggestion_accept_all,
        name="suggestions-accept-all",
    ),
    path(
        "articles/<int:pk>/suggestions/accept-all/undo/",
        suggestions.suggestion_accept_all_undo,
        name="suggestions-accept-all-undo",
    ),
    path("suggestions/<int:pk>/accept/", suggestions.suggestion_accept, name="suggestion-accept"),
    path("suggestions/<int:pk>/dismiss/", suggestions.suggestion_dismiss, name="suggestion-dismiss"),
]
