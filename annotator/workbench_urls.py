from django.urls import path

from annotator import views

app_name = "annotator"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
]
