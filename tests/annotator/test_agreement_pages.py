"""The agreement pages, their CSV downloads and the agreement API: what they show, and who may see them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotator import spans
from annotator.agreement import data
from annotator.models import Assignment, Project, ProjectArticle
from tests.factories import ArticleFactory, UserFactory

TEXT = "The mayor said the port lease is signed. Critics said it is not."


@pytest.fixture(autouse=True)
def no_kept_reports():
    data.forget_reports()


@pytest.fixture
def project(db, analyst, colleague, annotate):
    """Alice and Bob both read two articles; they agree on the first claim and its source, not on the rest."""
    project = Project.objects.create(name="Harbour", slug="harbour")
    project.analysts.add(analyst, colleague)
    for position in range(2):
        article = ArticleFactory(title=f"Lease story {position}", paragraphs=[TEXT])
        ProjectArticle.objects.create(project=project, article=article, position=position)
        for user in (analyst, colleague):
            Assignment.objects.create(project=project, article=article, analyst=user, position=position)
        paragraph = article.paragraphs.get()
        annotate(
            paragraph,
            "The mayor said the port lease is signed.",
            "attributed_claim",
            reviewer=analyst,
            attributed_to="The mayor",
        )
        annotate(
            paragraph,
            "The mayor said the port lease is signed.",
            "attributed_claim",
            reviewer=colleague,
            attributed_to="the mayor",
        )
        annotate(paragraph, "Critics said it is not.", "speculation", reviewer=analyst)
    return project


def _page(client, user, name="annotator:project-agreement", args=("harbour",)):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def test_the_project_page_shows_figures_charts_pairs_and_diagnostics(client, project, analyst):
    response = _page(client, analyst)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Krippendorff&#x27;s alpha_U (characters)" in html
    assert 'class="agreement-heatmap"' in html and 'class="agreement-bars"' in html
    # Both analysts marked both claims and named the same source (case aside): 2 matched claims, all the same.
    assert "2 claims marked by two analysts or more on overlapping text." in html
    assert '<td>alice / bob</td><td class="num">2</td>' in html
    assert "Only 2 articles read by two analysts or more" in html
    assert "No analyst used Reported fact here: its figures are undefined." in html


def test_the_article_page_and_its_csv(client, project, analyst):
    article = project.entries.first().article
    response = _page(client, analyst, "annotator:article-agreement", ("harbour", article.pk))
    assert response.status_code == 200
    assert "Agreement: Lease story 0" in response.content.decode()
    response = _page(client, analyst, "annotator:article-agreement-csv", ("harbour", article.pk, "pairs"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == ["label", "first", "second", "tokens", "cohen_kappa", "low", "high"]
    claim = next(r for r in rows if r["label"] == "attributed_claim")
    # The claim: both marked the same 8 tokens of 15 -> perfect agreement.
    assert (claim["first"], claim["second"], claim["tokens"], claim["cohen_kappa"]) == (
        "alice",
        "bob",
        "15",
        "1.0",
    )


def test_project_csv_tables(client, project, analyst):
    response = _page(client, analyst, "annotator:project-agreement-csv", ("harbour", "figures"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == ["label", "label_name", "measure", "value", "low", "high"]
    alpha_u = next(r for r in rows if r["label"] == "attributed_claim" and r["measure"] == "alpha_u")
    assert alpha_u["value"] == "1.0"
    response = _page(client, analyst, "annotator:project-agreement-csv", ("harbour", "articles"))
    assert [r["title"] for r in csv.DictReader(io.StringIO(response.content.decode()))] == [
        "Lease story 0",
        "Lease story 1",
    ]
    assert (
        _page(client, analyst, "annotator:project-agreement-csv", ("harbour", "nonsense")).status_code == 404
    )


def test_figures_follow_the_spans(client, project, analyst, colleague, annotate):
    """The report is cached, and recomputed as soon as a span changes."""

    def claim_alpha_u():
        response = _page(client, analyst, "annotator:project-agreement-csv", ("harbour", "figures"))
        rows = csv.DictReader(io.StringIO(response.content.decode()))
        return next(r["value"] for r in rows if r["label"] == "speculation" and r["measure"] == "alpha_u")

    before = claim_alpha_u()
    paragraph = project.entries.first().article.paragraphs.get()
    span = annotate(paragraph, "Critics said it is not.", "speculation", reviewer=colleague)
    after = claim_alpha_u()
    assert before != after
    spans.delete(annotation=span, actor=colleague)
    assert claim_alpha_u() == before


@pytest.mark.parametrize("who", ["analyst", "colleague", "staff", "curator"])
def test_people_on_the_project_and_staff_see_its_agreement(client, project, who, request):
    user = UserFactory(username="cora") if who == "curator" else request.getfixturevalue(who)
    if who == "curator":
        project.curators.add(user)
    assert _page(client, user).status_code == 200


def test_an_analyst_not_on_the_project_gets_a_404(client, project, outsider):
    assert _page(client, outsider).status_code == 404
    article = project.entries.first().article
    assert _page(client, outsider, "annotator:article-agreement", ("harbour", article.pk)).status_code == 404
    assert (
        _page(client, outsider, "annotator:project-agreement-csv", ("harbour", "figures")).status_code == 404
    )


def test_anonymous_visitors_go_to_the_login_page(client, project):
    response = client.get(reverse("annotator:project-agreement", args=["harbour"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_article_outside_the_project_is_a_404(client, project, analyst):
    other = ArticleFactory()
    assert _page(client, analyst, "annotator:article-agreement", ("harbour", other.pk)).status_code == 404


# --- API ---------------------------------------------------------------------------------------------------


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_report(project, analyst):
    response = _api(analyst).get("/api/v1/projects/harbour/agreement/")
    assert response.status_code == 200
    body = response.json()
    assert body["overall"]["analysts"] == ["alice", "bob"]
    assert body["overall"]["resampled_blocks"] == 2
    claim = next(
        f
        for f in body["overall"]["figures"]
        if f["label"] == "attributed_claim" and f["measure"] == "alpha_u"
    )
    assert claim["value"] == 1.0
    assert [a["title"] for a in body["articles"]] == ["Lease story 0", "Lease story 1"]
    assert body["overall"]["attribution"] == [
        {"first": "alice", "second": "bob", "matched_claims": 2, "same_source": 1.0, "low": 1.0, "high": 1.0}
    ]


def test_api_tables_as_json_and_csv(project, analyst):
    client = _api(analyst)
    rows = client.get("/api/v1/projects/harbour/agreement/pairs/").json()
    assert {r["label"] for r in rows} == {
        "reported_fact",
        "attributed_claim",
        "speculation",
        "boilerplate",
        "all",
    }
    response = client.get("/api/v1/projects/harbour/agreement/figures/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines()[0] == "label,label_name,measure,value,low,high"
    article = project.entries.first().article_id
    rows = client.get(f"/api/v1/projects/harbour/agreement/attribution/?article={article}").json()
    assert rows == [
        {
            "first": "alice",
            "second": "bob",
            "matched_claims": 1,
            "same_source": 1.0,
            "low": None,
            "high": None,
        }
    ]
    response = client.get("/api/v1/projects/harbour/agreement/figures/?format=xml")
    assert response.status_code == 400
    assert response.json() == {"format": ["Choose json or csv."]}


def test_api_permissions(project, outsider, staff):
    assert _api().get("/api/v1/projects/harbour/agreement/").status_code == 401
    assert _api(outsider).get("/api/v1/projects/harbour/agreement/").status_code == 404
    assert _api(outsider).get("/api/v1/projects/harbour/agreement/figures/").status_code == 404
    assert _api(staff).get("/api/v1/projects/harbour/agreement/").status_code == 200


def test_the_schema_lists_the_agreement_endpoints(analyst):
    schema = _api(analyst).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/projects/{slug}/agreement/" in schema
    assert "/api/v1/projects/{slug}/agreement/{table}/" in schema


def test_the_gold_layer_counts_as_a_reviewer_on_request(project, analyst, annotate):
    article = project.entries.first().article
    annotate(
        article.paragraphs.get(), "The mayor said the port lease is signed.", "attributed_claim",
        reviewer=project.gold_reviewer, attributed_to="The mayor",
    )  # fmt: skip
    client = _api(analyst)
    assert client.get("/api/v1/projects/harbour/agreement/").json()["overall"]["analysts"] == ["alice", "bob"]
    body = client.get("/api/v1/projects/harbour/agreement/?gold=1").json()
    assert body["overall"]["analysts"] == ["alice", "bob", "gold"]
    assert body["articles"][0]["analysts"] == "alice bob gold"
    assert body["articles"][1]["analysts"] == "alice bob"  # no gold spans there yet


def test_a_blind_projects_agreement_is_for_staff_and_curators(client, project, analyst, staff):
    """In blind mode the figures would tell an analyst how the other labelled (403 for analysts)."""
    project.blind = True
    project.save()
    curator = UserFactory(username="cora")
    project.curators.add(curator)
    assert _page(client, analyst).status_code == 403
    assert (
        _page(client, analyst, "annotator:project-agreement-csv", ("harbour", "figures")).status_code == 403
    )
    response = _api(analyst).get("/api/v1/projects/harbour/agreement/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This project is blind: its agreement is shown to staff and its curators only, so that no "
        "analyst can read another's labelling from the figures."
    }
    assert _page(client, curator).status_code == 200
    assert _api(staff).get("/api/v1/projects/harbour/agreement/figures/").status_code == 200
