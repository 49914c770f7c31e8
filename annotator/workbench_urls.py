from django.urls import path

from annotator.project_urls import urlpatterns as project_urlpatterns
from annotator.views import (
    agreement,
    articles,
    compare,
    labels,
    provenance,
    sources,
    tagging,
    web_import,
    workbench,
)  # fmt: skip

app_name = "annotator"

urlpatterns = [
    path("", articles.article_list, name="article-list"),
    path("labels.css", labels.label_stylesheet, name="label-styles"),
    path("import/web/", web_import.web_import, name="web-import"),
    path("articles/<int:pk>/", workbench.article_detail, name="article"),
    path("articles/<int:pk>/panel/", workbench.article_panel, name="article-panel"),
    path("articles/<int:pk>/history/", workbench.article_history, name="article-history"),
    path("articles/<int:pk>/spans/", workbench.span_popover, name="span-popover"),
    path("articles/<int:pk>/spans/new/", tagging.span_create, name="span-create"),
    path("articles/<int:pk>/undo/", tagging.undo_last, name="undo-last"),
    path("spans/<int:pk>/change/", tagging.span_change, name="span-change"),
    path("spans/<int:pk>/delete/", tagging.span_delete, name="span-delete"),
    path("changes/<int:pk>/undo/", tagging.change_undo, name="change-undo"),
    # Under /corpus/ since these pages began in the corpus app: bookmarks keep working.
    path("corpus/compare/<int:a>/<int:b>/", compare.compare, name="compare"),
    path("corpus/articles/<int:pk>/provenance/", provenance.provenance, name="provenance"),
    path("corpus/sources/", sources.sources, name="sources"),
    path("projects/<slug:slug>/agreement/", agreement.project_agreement, name="project-agreement"),
    path(
        "projects/<slug:slug>/agreement/<str:table>.csv",
        agreement.agreement_csv,
        name="project-agreement-csv",
    ),
    path(
        "projects/<slug:slug>/agreement/articles/<int:pk>/",
        agreement.article_agreement,
        name="article-agreement",
    ),
    path(
        "projects/<slug:slug>/agreement/articles/<int:pk>/<str:table>.csv",
        agreement.agreement_csv,
        name="article-agreement-csv",
    ),
    path("corpus/sources/<str:slug>/", sources.outlet, name="outlet"),
]

urlpatterns += project_urlpatterns
