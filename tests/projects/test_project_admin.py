"""Staff can also set a project up in the admin; saving it assigns the articles as the project form does."""

from __future__ import annotations

from annotator.models import Project
from tests.factories import ArticleFactory, UserFactory


def test_a_project_saved_in_the_admin_is_assigned(client, db):
    staff = UserFactory(username="sam", is_staff=True, is_superuser=True)
    first, second = UserFactory(username="a"), UserFactory(username="b")
    article = ArticleFactory()
    client.force_login(staff)
    assert client.get("/admin/annotator/project/add/").status_code == 200
    response = client.post(
        "/admin/annotator/project/add/",
        {
            "name": "Desk",
            "slug": "desk",
            "description": "",
            "analysts_per_article": 1,
            "analysts": [first.pk, second.pk],
            "guidelines-TOTAL_FORMS": 0,
            "guidelines-INITIAL_FORMS": 0,
            "entries-TOTAL_FORMS": 1,
            "entries-INITIAL_FORMS": 0,
            "entries-0-article": article.pk,
            "entries-0-position": 0,
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(slug="desk")
    assert [(a.article, a.analyst) for a in project.assignments.all()] == [(article, first)]
    assert project.gold_reviewer.username == "gold:desk"
    page = client.get(f"/admin/annotator/project/{project.pk}/change/").content.decode()
    assert "gold:desk" in page
