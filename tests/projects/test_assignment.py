"""The balanced assignment, the queue and the explicit done."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from annotator import projects
from annotator.models import Assignment, Completion, Project
from tests.factories import ArticleFactory, UserFactory


def pattern(project: Project) -> list[str]:
    by_article: dict[int, list[str]] = {}
    for a in Assignment.objects.filter(project=project).select_related("analyst").order_by("position"):
        by_article.setdefault(a.position, []).append(a.analyst.username)
    return ["".join(sorted(names)) for _, names in sorted(by_article.items())]


@pytest.fixture
def five(db) -> Project:
    project = Project.objects.create(name="Five", slug="five", analysts_per_article=2)
    project.analysts.set([UserFactory(username=name) for name in "edcba"])
    projects.set_articles(project, [ArticleFactory() for _ in range(10)])
    return project


def test_two_of_five_is_a_round_robin_with_equal_loads(five):
    assert projects.assign(five) == 20
    assert pattern(five) == ["ab", "cd", "ae", "bc", "de", "ab", "cd", "ae", "bc", "de"]
    loads = Counter(Assignment.objects.filter(project=five).values_list("analyst__username", flat=True))
    assert loads == {"a": 4, "b": 4, "c": 4, "d": 4, "e": 4}
    assert projects.assign(five) == 0  # run again: nothing changes
    assert pattern(five)[:3] == ["ab", "cd", "ae"]


def test_uneven_loads_differ_by_one_at_most(db):
    project = Project.objects.create(name="Three", slug="three", analysts_per_article=2)
    project.analysts.set([UserFactory(username=name) for name in "xyz"])
    projects.set_articles(project, [ArticleFactory() for _ in range(7)])
    projects.assign(project)
    loads = Counter(Assignment.objects.filter(project=project).values_list("analyst_id", flat=True))
    assert sum(loads.values()) == 14 and max(loads.values()) - min(loads.values()) <= 1
    assert all(len(set(names)) == 2 for names in pattern(project))  # never one analyst twice on an article


def test_a_changed_team_keeps_done_work_and_fills_the_gaps(five):
    projects.assign(five)
    first = five.entries.order_by("position").first().article
    a = five.analysts.get(username="a")
    projects.mark_done(first, a)
    five.analysts.remove(five.analysts.get(username="e"))
    five.analysts_per_article = 1
    five.save()
    projects.assign(five)
    per_article = pattern(five)
    assert per_article[0] == "a"  # a's done assignment stays, b's open one goes
    assert all(len(names) == 1 and "e" not in names for names in per_article)
    loads = Counter(Assignment.objects.filter(project=five).values_list("analyst__username", flat=True))
    assert max(loads.values()) - min(loads.values()) <= 1


def test_more_analysts_per_article_than_analysts_assigns_each_once(db):
    project = Project.objects.create(name="Small", slug="small", analysts_per_article=3)
    project.analysts.set([UserFactory(username="p"), UserFactory(username="q")])
    projects.set_articles(project, [ArticleFactory()])
    assert projects.assign(project) == 2


def test_next_article_walks_the_queue_and_done_moves_on(client, team):
    alice, project = team["alice"], team["project"]
    first, second, third = team["articles"]
    client.force_login(alice)
    response = client.get(reverse("annotator:next-article") + "?project=harbour")
    assert response.status_code == 302
    assert response["Location"] == f"{first.get_absolute_url()}?project=harbour"
    page = client.get(response["Location"]).content.decode()
    assert 'id="mark-done"' in page and "Next article <kbd>n</kbd>" in page
    assert "3 left" in page
    response = client.post(
        reverse("annotator:article-done", args=[first.pk]), {"project": "harbour", "then": "next"}
    )
    assert response["Location"] == f"{second.get_absolute_url()}?project=harbour"
    assert projects.is_done(first, alice)
    # "Next" from an article skips it even when it is not done.
    response = client.get(reverse("annotator:next-article") + f"?project=harbour&after={second.pk}")
    assert response["Location"] == f"{third.get_absolute_url()}?project=harbour"
    for article in (second, third):
        client.post(reverse("annotator:article-done", args=[article.pk]))
    response = client.get(reverse("annotator:next-article") + "?project=harbour", follow=True)
    assert "Nothing left in your queue" in response.content.decode()
    assert response.redirect_chain[-1][0] == project.get_absolute_url()


def test_reopen_takes_done_back_and_keeps_when(client, team):
    alice, article = team["alice"], team["articles"][0]
    client.force_login(alice)
    client.post(reverse("annotator:article-done", args=[article.pk]))
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="status done">Done</span>' in page and 'id="reopen-article"' in page
    response = client.post(reverse("annotator:article-reopen", args=[article.pk]), follow=True)
    assert f"Reopened: {article.title}." in response.content.decode()
    completion = Completion.objects.get(article=article, analyst=alice)
    assert completion.done_at is None and completion.reopened_at is not None
    assert client.post(reverse("annotator:article-reopen", args=[team["articles"][1].pk])).status_code == 404


def test_done_and_reopen_take_only_post_and_a_login(client, team):
    article = team["articles"][0]
    url = reverse("annotator:article-done", args=[article.pk])
    assert client.post(url)["Location"].startswith("/accounts/login/")
    client.force_login(team["alice"])
    assert client.get(url).status_code == 405


def test_done_is_per_analyst(team):
    article = team["articles"][0]
    projects.mark_done(article, team["alice"])
    assert projects.is_done(article, team["alice"]) and not projects.is_done(article, team["bob"])
