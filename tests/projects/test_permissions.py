"""Who may do what: analyst (alice), the other analyst on the project (bob), an analyst of another project
(olga), the curator (cora), staff (sam) and anonymous, on the pages and over the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotator import curation, spans
from annotator.models import Annotation

PEOPLE = ["alice", "bob", "olga", "cora", "staff", None]


@pytest.fixture
def world(team):
    project = team["project"]
    project.blind = True
    project.save()
    article = team["articles"][0]
    paragraph = article.paragraphs.get(position=1)
    team["alice_span"] = spans.create(
        paragraph=paragraph, label="reported_fact", start=0, end=9, reviewer=team["alice"]
    )
    team["bob_span"] = spans.create(
        paragraph=paragraph, label="speculation", start=15, end=38, reviewer=team["bob"]
    )
    team["gold_span"] = curation.take(
        project, article, Annotation.objects.get(pk=team["bob_span"].pk), team["cora"]
    )
    return team


def page_status(client, world, who, method, url, data=None):
    client.logout()
    if who is not None:
        client.force_login(world[who])
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


@pytest.mark.parametrize(
    ("name", "method", "expected"),
    [
        # alice, bob, olga, cora, staff, anonymous
        ("project-list", "get", [200, 200, 200, 200, 200, "login"]),
        ("project", "get", [200, 200, 404, 200, 200, "login"]),
        ("project-new", "get", [403, 403, 403, 403, 200, "login"]),
        ("project-edit", "get", [403, 403, 403, 403, 200, "login"]),
        ("curate", "get", [403, 403, 404, 200, 200, "login"]),
        ("curate-agreed", "post", [403, 403, 404, 302, 302, "login"]),
        ("curate-finish", "post", [403, 403, 404, 302, 302, "login"]),
        ("curate-take", "post", [403, 403, 404, 302, 302, "login"]),
        ("curate-remove", "post", [403, 403, 404, 302, 302, "login"]),
    ],
)
def test_pages(client, world, name, method, expected):
    project, article = world["project"], world["articles"][0]
    args = {
        "project-list": [],
        "project-new": [],
        "project": [project.slug],
        "project-edit": [project.slug],
        "curate": [project.slug, article.pk],
        "curate-agreed": [project.slug, article.pk],
        "curate-finish": [project.slug, article.pk],
        "curate-take": [project.slug, article.pk, world["alice_span"].pk],
        "curate-remove": [project.slug, article.pk, world["gold_span"].pk],
    }[name]
    got = []
    for who in PEOPLE:
        if name == "curate-remove":  # each person gets a live gold span to try on
            live = (
                Annotation.objects.live().gold_of(project).first()
                or spans.undo(
                    entry=Annotation.objects.get(pk=world["gold_span"].pk).changes.first(),
                    actor=world["cora"],
                ).annotation
            )
            args = [project.slug, article.pk, live.pk]
        url = reverse(f"annotator:{name}", args=args)
        got.append(page_status(client, world, who, method, url, {"curated": "1"}))
    assert got == expected


def test_api_reads_in_blind_mode(api_for, world):
    article = world["articles"][0]
    url = f"/api/v1/annotations/?article={article.pk}&layer=analysts"
    seen = {}
    for who in PEOPLE:
        response = api_for(world[who] if who else None).get(url)
        seen[who] = (
            response.status_code
            if response.status_code != 200
            else sorted(row["reviewer"] for row in response.json()["results"])
        )
    assert seen == {
        "alice": ["alice"],
        "bob": ["bob"],
        "olga": [],
        "cora": ["alice", "bob"],
        "staff": ["alice", "bob"],
        None: 401,
    }
    gold = api_for(world["alice"]).get("/api/v1/annotations/?layer=gold").json()["results"]
    assert [row["reviewer"] for row in gold] == ["gold:harbour"]  # the gold layer is never blind


def test_api_writes_to_the_gold_layer(api_for, world):
    url = f"/api/v1/annotations/{world['gold_span'].pk}/"
    statuses = {}
    for who in PEOPLE:
        version = Annotation.objects.get(pk=world["gold_span"].pk).version
        response = api_for(world[who] if who else None).patch(
            url, {"version": version, "note": f"by {who}"}, format="json"
        )
        statuses[who] = response.status_code
    assert statuses == {"alice": 403, "bob": 403, "olga": 403, "cora": 200, "staff": 200, None: 401}
    assert api_for(world["alice"]).patch(url, {"version": 3, "note": "x"}, format="json").json() == {
        "detail": "You can only change your own spans."
    }
