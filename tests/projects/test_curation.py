"""The curation page: agreement merged in one click, disagreements listed, a curator settling the gold layer
through the span rules and history, with undo; and the gold layer in the API and every export."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from annotator import curation, spans
from annotator.formats import FORMATS
from annotator.models import Annotation, AnnotationChange


def tag(article, position, quote, label, user, **kwargs):
    paragraph = article.paragraphs.get(position=position)
    start = paragraph.text.index(quote)
    return spans.create(
        paragraph=paragraph, label=label, start=start, end=start + len(quote), reviewer=user, **kwargs
    )


@pytest.fixture
def tagged(team):
    article = team["articles"][0]
    alice, bob = team["alice"], team["bob"]
    # Both: the same fact. Then a claim alice attributes and bob calls speculation, and a span only bob has.
    tag(article, 0, "On Monday the council met", "reported_fact", alice)
    tag(article, 0, "On Monday the council met", "reported_fact", bob)
    team["claim"] = tag(
        article, 1, "the budget would be cut", "attributed_claim", alice, attributed_to="The mayor"
    )
    team["guess"] = tag(article, 1, "the budget would be cut by 10%", "speculation", bob)
    team["only_bob"] = tag(article, 2, "Some observers wonder", "speculation", bob)
    return team


def curate_url(team, name="curate", *args):
    return reverse(f"annotator:{name}", args=[team["project"].slug, team["articles"][0].pk, *args])


def test_compare_finds_the_agreement_and_each_disagreement(tagged):
    comparison = curation.compare(tagged["project"], tagged["articles"][0])
    assert comparison.analysts == ["alice", "bob"]
    assert [row.quote for row in comparison.agreed] == ["On Monday the council met"]
    assert [(d.paragraph.position, d.text) for d in comparison.disagreements] == [
        (1, "the budget would be cut by 10%"),
        (2, "Some observers wonder"),
    ]
    first = comparison.disagreements[0]
    assert [(v.analyst, [s.label.slug for s in v.spans]) for v in first.versions] == [
        ("alice", ["attributed_claim"]),
        ("bob", ["speculation"]),
    ]
    assert [(v.analyst, len(v.spans)) for v in comparison.disagreements[1].versions] == [
        ("alice", 0),
        ("bob", 1),
    ]
    assert comparison.open_disagreements == 2


def test_attribution_is_part_of_agreement(team):
    article = team["articles"][0]
    tag(article, 1, "The mayor said", "attributed_claim", team["alice"], attributed_to="the Mayor ")
    tag(article, 1, "The mayor said", "attributed_claim", team["bob"], attributed_to="The mayor")
    tag(article, 0, "the council", "attributed_claim", team["alice"], attributed_to="council")
    tag(article, 0, "the council", "attributed_claim", team["bob"], attributed_to="the clerk")
    comparison = curation.compare(team["project"], article)
    assert [row.quote for row in comparison.agreed] == ["The mayor said"]
    assert [d.text for d in comparison.disagreements] == ["the council"]


def test_a_curator_settles_the_gold_layer_with_history_and_undo(client, tagged):
    project, article, cora = tagged["project"], tagged["articles"][0], tagged["cora"]
    client.force_login(cora)
    page = client.get(curate_url(tagged)).content.decode()
    assert "Copy the 1 agreed span into gold" in page
    assert page.count('class="disagreement open"') == 2
    assert "Take alice's" in page and "Take bob's" in page

    response = client.post(curate_url(tagged, "curate-agreed"), follow=True)
    assert "1 span every analyst agrees on copied into gold." in response.content.decode()
    response = client.post(curate_url(tagged, "curate-take", tagged["claim"].pk), follow=True)
    page = response.content.decode()
    assert "Gold now holds alice&#x27;s Attributed claim “the budget would be cut”." in page
    assert page.count('class="disagreement settled"') == 1
    gold = (
        Annotation.objects.live().gold_of(project).filter(article=article)
    )  # a fresh query each use: .all()
    assert sorted((g.quote, g.label.slug, g.attributed_to) for g in gold.all()) == [
        ("On Monday the council met", "reported_fact", ""),
        ("the budget would be cut", "attributed_claim", "The mayor"),
    ]
    changes = AnnotationChange.objects.filter(annotation__reviewer=project.gold_reviewer)
    assert {(c.actor.username, c.action) for c in changes} == {("cora", "create")}
    # Taking the same version twice is refused with the span rules' message; nothing is written.
    response = client.post(curate_url(tagged, "curate-take", tagged["claim"].pk), follow=True)
    assert "gold:harbour already tagged these words as Attributed claim." in response.content.decode()
    assert gold.all().count() == 2

    # Undo the last gold change from the page, then remove a gold span and undo that too.
    assert 'id="undo-gold"' in page
    last = AnnotationChange.objects.filter(actor=cora).first()
    client.post(reverse("annotator:change-undo", args=[last.pk]), {"next": curate_url(tagged)})
    assert [g.quote for g in gold.all()] == ["On Monday the council met"]
    fact = gold.all().get()
    client.post(curate_url(tagged, "curate-remove", fact.pk))
    assert not gold.all().exists()
    entry = AnnotationChange.objects.filter(actor=cora).first()
    assert entry.action == "delete"
    client.post(reverse("annotator:change-undo", args=[entry.pk]))
    assert gold.all().count() == 1

    client.post(curate_url(tagged, "curate-finish"), {"curated": "1"})
    page = client.get(curate_url(tagged)).content.decode()
    assert '<span class="status done">Curated</span> by cora' in page
    assert 'id="reopen-curation"' in page


def test_a_curator_writes_a_new_gold_span_in_the_workbench(client, tagged):
    article, project = tagged["articles"][0], tagged["project"]
    paragraph = article.paragraphs.get(position=2)
    layer = "?reviewer=gold%3Aharbour"
    client.force_login(tagged["cora"])
    page = client.get(article.get_absolute_url() + layer).content.decode()
    assert 'data-can-tag="true"' in page
    response = client.post(
        reverse("annotator:span-create", args=[article.pk]) + layer,
        {"paragraph": paragraph.pk, "start": 0, "end": 14, "label": "speculation"},
    )
    assert response.status_code == 302
    gold = Annotation.objects.live().gold_of(project).get()
    assert (gold.quote, gold.reviewer, gold.changes.get().actor) == (
        "Some observers",
        project.gold_reviewer,
        tagged["cora"],
    )
    # The curator changes it in the workbench as an editor of the gold layer.
    client.post(
        reverse("annotator:span-change", args=[gold.pk]) + layer, {"version": 1, "label": "reported_fact"}
    )
    assert Annotation.objects.get(pk=gold.pk).label.slug == "reported_fact"
    # An analyst can neither tag the gold layer nor change its spans.
    client.force_login(tagged["alice"])
    assert 'data-can-tag="false"' in client.get(article.get_absolute_url() + layer).content.decode()
    response = client.post(
        reverse("annotator:span-create", args=[article.pk]) + layer,
        {"paragraph": paragraph.pk, "start": 0, "end": 4, "label": "speculation"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("annotator:span-change", args=[gold.pk]), {"version": 2, "label": "boilerplate"}
    )
    assert (response.status_code, response.content.decode()) == (403, "You can only change your own spans.")


def read_export(api, query: str) -> bytes:
    response = api.get(f"/api/v1/export/spans?{query}")
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def test_every_export_and_the_api_take_layer_gold(api_for, tagged):
    project, article, cora = tagged["project"], tagged["articles"][0], tagged["cora"]
    curation.take(project, article, Annotation.objects.get(pk=tagged["claim"].pk), cora)
    api = api_for(tagged["staff"])
    lines = [json.loads(line) for line in read_export(api, "layer=gold").splitlines()]
    assert [(line["quote"], line["reviewer"], line["attributed_to"]) for line in lines] == [
        ("the budget would be cut", "gold:harbour", "The mayor")
    ]
    for name in FORMATS:
        body = read_export(api, f"layer=gold&project=harbour&format={name}")
        if name == "brat":  # a zip of .txt/.ann pairs: the gold span is the one T line
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                ann = archive.read(f"{article.pk}.ann").decode()
            assert ann.count("\nT") + ann.startswith("T") == 1 and "the budget would be cut" in ann
            continue
        body = body.decode()
        assert "budget" in body, name
        assert "gold:harbour" in body or name in {"doccano", "conll"}, name  # the two without a reviewer
    csv = read_export(api, "layer=gold&format=csv").decode()
    assert csv.count("\n") == 2 and "Some observers" not in csv
    analysts = [json.loads(line)["reviewer"] for line in read_export(api, "layer=analysts").splitlines()]
    assert "gold:harbour" not in analysts and set(analysts) == {"alice", "bob"}
    listed = api.get("/api/v1/annotations/?layer=gold&project=harbour").json()["results"]
    assert [row["quote"] for row in listed] == ["the budget would be cut"]
    assert api.get("/api/v1/annotations/?layer=silver").json() == {
        "layer": ["Unknown layer silver. Choose one of: gold, analysts."]
    }
    assert api.get("/api/v1/annotations/?project=nowhere").json() == {
        "project": ["Unknown project 'nowhere'."]
    }
    other_gold = tagged["other"].gold_reviewer.username
    assert api.get(f"/api/v1/annotations/?reviewer={other_gold}").json()["results"] == []
