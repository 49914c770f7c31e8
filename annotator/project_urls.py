"""Project, queue and curation pages; added to the workbench's URLs (namespace "annotator")."""

from django.urls import path

from annotator.views import curation, projects

urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_form, name="project-new"),
    path("projects/<slug:slug>/", projects.project_detail, name="project"),
    path("projects/<slug:slug>/edit/", projects.project_form, name="project-edit"),
    path("projects/<slug:slug>/articles/<int:pk>/curate/", curation.curate, name="curate"),
    path(
        "projects/<slug:slug>/articles/<int:pk>/curate/agreed/", curation.merge_agreed, name="curate-agreed"
    ),
    path("projects/<slug:slug>/articles/<int:pk>/curate/take/<int:span>/", curation.take, name="curate-take"),
    path(
        "projects/<slug:slug>/articles/<int:pk>/curate/remove/<int:span>/",
        curation.remove,
        name="curate-remove",
    ),
    path("projects/<slug:slug>/articles/<int:pk>/curate/finish/", curation.finish, name="curate-finish"),
    path("next/", projects.next_article, name="next-article"),
    path("articles/<int:pk>/done/", projects.article_done, name="article-done"),
    path("articles/<int:pk>/reopen/", projects.article_reopen, name="article-reopen"),
]
