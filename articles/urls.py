from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("compare/<int:a>/<int:b>/", views.compare, name="compare"),
    path("articles/<int:pk>/provenance/", views.provenance, name="provenance"),
    path("sources/", views.sources, name="sources"),
]
