from django.urls import path

from annotator.views import reuse as reuse_views

app_name = "reuse"

urlpatterns = [
    path("articles/<int:pk>/transfer/<int:target>/", reuse_views.transfer_preview, name="transfer"),
    path("articles/<int:pk>/transfer/<int:target>/apply/", reuse_views.transfer_apply, name="transfer-apply"),
    path("articles/<int:pk>/suggestions/", reuse_views.suggestion_list, name="suggestions"),
    path(
        "articles/<int:pk>/suggestions/accept-all/",
        reuse_views.suggestion_accept_all,
        name="suggestions-accept-all",
    ),
    path("suggestions/<int:pk>/accept/", reuse_views.suggestion_accept, name="suggestion-accept"),
    path("suggestions/<int:pk>/dismiss/", reuse_views.suggestion_dismiss, name="suggestion-dismiss"),
]
