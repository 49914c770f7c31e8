"""API routes, mounted at /api/: version 1 under v1/, the OpenAPI schema and its interactive viewer.

Nothing here is public. The schema is an API resource like the rest: a token or the browser session, else
401. The viewer is a page for people: without a session it redirects to the login page like every other page
(DRF views are exempt from the login middleware, so it is wrapped in `login_required` here).
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import APIRootView, DefaultRouter

from annotator.api.agreement import AgreementTableView, ProjectAgreementView
from annotator.api.base import ApiView
from annotator.api.exchange import SpanExportView, SpanImportView
from annotator.api.source_criticism import BoilerplateSuggestionViewSet, ReuseLinkViewSet
from annotator.api.tokens import IssuedTokenViewSet, TokenView
from annotator.api.views import AnnotationViewSet, ArticleViewSet, LabelViewSet
from annotator.api.web_import import PageImportView

app_name = "api"


class ApiRootView(ApiView, APIRootView):
    """The index of v1/: DRF's links, with the query checked like every API view's (it takes none)."""

    schema = None  # left out of the schema, as DRF's is


class ApiRouter(DefaultRouter):
    APIRootView = ApiRootView


router = ApiRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("labels", LabelViewSet, basename="label")
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("reuse-links", ReuseLinkViewSet, basename="reuse-link")
router.register("auth/tokens", IssuedTokenViewSet, basename="auth-token")
router.register("boilerplate-suggestions", BoilerplateSuggestionViewSet, basename="boilerplate-suggestion")

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("v1/export/spans", SpanExportView.as_view(), name="export-spans"),
    path("v1/import/", SpanImportView.as_view(), name="import-spans"),
    path("v1/projects/<str:slug>/agreement/", ProjectAgreementView.as_view(), name="project-agreement"),
    path(
        "v1/projects/<str:slug>/agreement/<str:table>/", AgreementTableView.as_view(), name="agreement-table"
    ),
    path("v1/import/page/", PageImportView.as_view(), name="import-page"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path(
        "docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated])
        ),
        name="docs",
    ),
]
