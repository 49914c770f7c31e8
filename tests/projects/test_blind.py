"""Blind mode: other analysts' spans stay hidden on uncurated articles: workbench, API, exports."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from annotator import curation, spans


@pytest.fixture
def blind(team):
    project = team["project"]
    project.blind = True
    project.save()
    article = team["articles"][0]
    paragraph = article.paragraphs.get(position=1)  # "The mayor said the budget would be cut by 10%."
    team["alice_span"] = spans.create(
        paragraph=paragraph,
        label="attributed_claim",
        start=0,
        end=14,
        reviewer=team["alice"],
        attributed_to="the mayor",
    )
    team["bob_span"] = spans.create(
        paragraph=paragraph, label="speculation", start=15, end=38, reviewer=team["bob"]
    )
    return team


def everyone(client, article) -> str:
    return client.get(article.get_absolute_url() + "?layer=all").content.decode()


def api_quotes(api, article) -> list[str]:
    return [row["quote"] for row in api.get(f"/api/v1/annotations/?article={article.pk}").json()["results"]]


def test_analysts_see_only_their_own_spans_until_curated(client, api_for, blind):
    article = blind["articles"][0]
    client.force_login(blind["alice"])
    page = everyone(client, article)
    assert "The mayor said" in page and f'data-annotation-id="{blind["alice_span"].pk}"' in page
    assert f'data-annotation-id="{blind["bob_span"].pk}"' not in page
    assert "?reviewer=bob" not in page  # not even who has tagged
    bob_layer = client.get(article.get_absolute_url() + "?reviewer=bob").content.decode()
    assert "data-annotation-id" not in bob_layer.split('id="paragraphs"')[1].split("</article>")[0]
    popover = client.get(
        reverse("annotator:span-popover", args=[article.pk]) + f"?ids={blind['bob_span'].pk}"
    ).content.decode()
    assert "This span no longer exists" in popover
    history = client.get(reverse("annotator:article-history", args=[article.pk])).content.decode()
    assert "the budget would be cut" not in history
    assert api_quotes(api_for(blind["alice"]), article) == ["The mayor said"]
    assert api_for(blind["alice"]).get(f"/api/v1/annotations/{blind['bob_span'].pk}/").status_code == 404
    export = api_for(blind["alice"]).get("/api/v1/export/spans?format=jsonl")
    lines = [json.loads(line) for line in b"".join(export.streaming_content).splitlines()]
    assert [line["quote"] for line in lines] == ["The mayor said"]

    curation.set_curated(blind["project"], article, blind["cora"], True)
    page = everyone(client, article)
    assert f'data-annotation-id="{blind["bob_span"].pk}"' in page and "?reviewer=bob" in page
    assert api_quotes(api_for(blind["alice"]), article) == ["The mayor said", "the budget would be cut"]


def test_curators_staff_and_outsiders(client, api_for, blind):
    article = blind["articles"][0]
    both = ["The mayor said", "the budget would be cut"]
    for user in ("cora", "staff"):
        assert api_quotes(api_for(blind[user]), article) == both
        client.force_login(blind[user])
        assert f'data-annotation-id="{blind["bob_span"].pk}"' in everyone(client, article)
    # Someone outside the project: the project's analysts' spans stay hidden until curated.
    assert api_quotes(api_for(blind["olga"]), article) == []
    assert api_for().get(f"/api/v1/annotations/?article={article.pk}").status_code == 401


def test_an_open_project_hides_nothing(client, api_for, team):
    article = team["articles"][0]
    paragraph = article.paragraphs.get(position=1)
    spans.create(paragraph=paragraph, label="speculation", start=15, end=38, reviewer=team["bob"])
    assert api_quotes(api_for(team["alice"]), article) == ["the budget would be cut"]
