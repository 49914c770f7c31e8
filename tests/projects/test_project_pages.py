"""The project list and page, the staff form, and guidelines in the workbench."""

from __future__ import annotations

import re

from django.urls import reverse

from annotator import projects, spans
from annotator.models import Assignment, Guideline, Project
from tests.factories import ArticleFactory, SourceFactory


def test_the_project_page_counts_assigned_done_spans_and_left(client, team):
    alice, bob, project = team["alice"], team["bob"], team["project"]
    first, second, _ = team["articles"]
    paragraph = first.paragraphs.first()
    spans.create(paragraph=paragraph, label="reported_fact", start=0, end=9, reviewer=alice)
    spans.create(paragraph=paragraph, label="speculation", start=10, end=16, reviewer=alice)
    spans.create(paragraph=paragraph, label="reported_fact", start=0, end=9, reviewer=bob)
    projects.mark_done(first, alice)
    projects.mark_done(second, alice)
    client.force_login(alice)
    page = client.get(project.get_absolute_url()).content.decode()
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td class="num">\d+</td>){4})', page))
    numbers = {name: re.findall(r"\d+", cells) for name, cells in rows.items()}
    assert numbers == {
        "alice": ["3", "2", "1", "2"],  # assigned, done, left, spans
        "bob": ["3", "0", "3", "1"],
        "All analysts": ["6", "2", "4", "3"],
    }
    assert "<strong>2</strong> of 6 assignments done (33 %), <strong>4</strong> left" in page
    assert 'id="project-next"' in page


def test_analysts_see_only_their_projects(client, team):
    client.force_login(team["alice"])
    listing = client.get(reverse("annotator:project-list")).content.decode()
    assert "Harbour lease" in listing and "Other desk" not in listing
    assert client.get(team["other"].get_absolute_url()).status_code == 404
    client.force_login(team["olga"])
    assert client.get(team["project"].get_absolute_url()).status_code == 404
    client.force_login(team["cora"])  # a curator sees the project she curates
    assert client.get(team["project"].get_absolute_url()).status_code == 200
    client.force_login(team["staff"])
    listing = client.get(reverse("annotator:project-list")).content.decode()
    assert "Harbour lease" in listing and "Other desk" in listing


def test_staff_create_a_project_from_the_article_list_filters(client, team, labels):
    staff = team["staff"]
    wire = SourceFactory(name="Wire", slug="wire")
    picked = [ArticleFactory(publisher=wire, title=f"Wire {i}") for i in range(4)]
    client.force_login(staff)
    listing = client.get("/?publisher=wire").content.decode()
    assert 'href="/projects/new/?publisher=wire"' in listing
    form = client.get("/projects/new/?publisher=wire").content.decode()
    for article in picked:
        assert f'value="{article.pk}" checked' in form
    assert "Story 0" not in form  # other publishers are not listed
    data = {
        "name": "Wire check",
        "analysts_per_article": "2",
        "blind": "on",
        "analysts": [team["alice"].pk, team["bob"].pk, team["olga"].pk],
        "curators": [team["cora"].pk],
        "articles": [a.pk for a in picked[:3]],  # one unticked
        "definition_speculation": "A guess about what may happen.",
        "examples_speculation": "Some observers wonder whether…\nIt may well be that…",
    }
    response = client.post("/projects/new/?publisher=wire", data)
    project = Project.objects.get(slug="wire-check")
    assert response["Location"] == project.get_absolute_url()
    assert project.blind and list(project.curators.all()) == [team["cora"]]
    assert list(project.entries.values_list("article_id", flat=True)) == [a.pk for a in picked[:3]]
    assert Assignment.objects.filter(project=project).count() == 6
    assert project.gold_reviewer.username == "gold:wire-check"
    assert not project.gold_reviewer.is_active and not project.gold_reviewer.has_usable_password()
    guideline = Guideline.objects.get(project=project, label__slug="speculation")
    assert guideline.example_list == ["Some observers wonder whether…", "It may well be that…"]
    page = client.get(project.get_absolute_url()).content.decode()
    assert "A guess about what may happen." in page


def test_the_form_refuses_more_analysts_per_article_than_analysts(client, team):
    client.force_login(team["staff"])
    response = client.post(
        "/projects/new/", {"name": "Thin", "analysts_per_article": "3", "analysts": [team["alice"].pk]}
    )
    assert response.status_code == 200
    assert "3 analysts per article needs at least 3 analysts on the project; 1 chosen." in (
        response.content.decode()
    )
    assert not Project.objects.filter(slug="thin").exists()


def test_staff_change_a_project_and_the_assignment_follows(client, team):
    project, extra = team["project"], ArticleFactory(title="Late story")
    client.force_login(team["staff"])
    form = client.get(f"/projects/{project.slug}/edit/?q=Late").content.decode()
    assert "Late story" in form
    ids = [a.pk for a in team["articles"]] + [extra.pk]
    data = {
        "name": "Harbour lease",
        "analysts_per_article": "1",
        "analysts": [team["alice"].pk, team["bob"].pk],
        "curators": [],
        "articles": ids,
    }
    assert client.post(f"/projects/{project.slug}/edit/?q=Late", data).status_code == 302
    assert Assignment.objects.filter(project=project).count() == 4
    assert not project.curators.exists()


def test_only_staff_create_or_change_projects(client, team):
    client.force_login(team["cora"])
    assert client.get("/projects/new/").status_code == 403
    assert client.post("/projects/new/", {"name": "x"}).status_code == 403
    assert client.get(f"/projects/{team['project'].slug}/edit/").status_code == 403


def test_guidelines_show_in_the_workbench_legend_and_help(client, team, labels):
    Guideline.objects.create(
        project=team["project"],
        label=labels["attributed_claim"],
        definition="Words someone is said to have said.",
        examples="The mayor said the budget would be cut.",
    )
    client.force_login(team["alice"])
    page = client.get(team["articles"][0].get_absolute_url()).content.decode()
    legend = page.split('id="legend-title"')[1].split("</section>")[0]
    assert 'Guidelines <span class="muted">Harbour lease</span>' in legend
    assert "Words someone is said to have said." in legend
    dialog = page.split('<dialog id="shortcuts"')[1].split("</dialog>")[0]
    assert "Guidelines of Harbour lease" in dialog
    assert "<li>The mayor said the budget would be cut.</li>" in dialog
    assert "<dd>Next article in my queue</dd>" in dialog
    client.force_login(team["olga"])  # not on the project: no guidelines
    assert "Guidelines of" not in client.get(team["articles"][0].get_absolute_url()).content.decode()


def test_the_article_list_filters_by_project(client, team):
    ArticleFactory(title="Outside story")
    client.force_login(team["alice"])
    page = client.get("/?project=harbour").content.decode()
    assert "Story 0" in page and "Outside story" not in page
    assert "assigned" in page


def test_the_project_page_links_to_agreement_where_the_reader_may_see_it(client, team):
    project, first = team["project"], team["articles"][0]
    agreement = reverse("annotator:project-agreement", args=[project.slug])
    per_article = reverse("annotator:article-agreement", args=[project.slug, first.pk])
    client.force_login(team["alice"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'id="project-agreement" href="{agreement}"' in page
    assert client.get(agreement).status_code == 200
    client.force_login(team["cora"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{per_article}">Agreement</a>' in page
    # Blind: analysts get no agreement (a kappa of 1 would tell them how the others labelled), so no link.
    Project.objects.filter(pk=project.pk).update(blind=True)
    client.force_login(team["alice"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert "project-agreement" not in page and client.get(agreement).status_code == 403
    client.force_login(team["cora"])
    assert 'id="project-agreement"' in client.get(project.get_absolute_url()).content.decode()
