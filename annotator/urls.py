from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from annotator import health
from annotator.views import tokens

handler500 = "annotator.health.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", tokens.token_list, name="api-tokens"),
    path("accounts/tokens/<str:token_key>/revoke/", tokens.token_revoke, name="api-token-revoke"),
    path("admin/", admin.site.urls),
    path("", include("annotator.workbench_urls")),
    path("", include("annotator.reuse_urls")),
    path("api/", include("annotator.api.urls")),
]
