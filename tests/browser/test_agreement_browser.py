"""The agreement page in a browser: charts drawn, the label picker redraws the heat map, no script errors."""

from __future__ import annotations

import os
import random

import pytest
from playwright.sync_api import Page, expect

from annotator import spans
from annotator.models import Assignment, Project, ProjectArticle
from tests.browser.test_workbench_browser import log_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SENTENCES = [
    "The harbour authority said the lease was signed on Monday.",
    "Critics claimed the council had hidden its terms from the public.",
    "Observers expect further delays before the port reopens in spring.",
    "Subscribe to our newsletter for more stories like this one.",
]
LABELS = ["reported_fact", "attributed_claim", "speculation", "boilerplate"]


def _project(analysts) -> Project:
    """Six articles read by three analysts who mostly agree: each keeps a sentence's label, or now and then
    picks another or skips it."""
    rng = random.Random(4)
    project = Project.objects.create(name="Harbour lease", slug="harbour-lease")
    project.analysts.add(*analysts)
    for position in range(6):
        article = ArticleFactory(title=f"Port Alder lease, part {position + 1}", paragraphs=SENTENCES)
        ProjectArticle.objects.create(project=project, article=article, position=position)
        for paragraph, label in zip(article.paragraphs.order_by("position"), LABELS, strict=True):
            for user in analysts:
                Assignment.objects.get_or_create(
                    project=project, article=article, analyst=user, position=position
                )
                roll = rng.random()
                if roll < 0.15:
                    continue
                chosen = rng.choice(LABELS) if roll < 0.3 else label
                end = len(paragraph.text) - (rng.choice([0, 1]) if roll > 0.8 else 0)
                spans.create(
                    paragraph=paragraph, label=chosen, start=0, end=end, reviewer=user,
                    attributed_to="the council" if chosen == "attributed_claim" else "",
                )  # fmt: skip
    return project


def test_the_agreement_page_draws_its_charts_and_switches_label(page: Page, live_server, problems):
    analysts = [UserFactory(username=name) for name in ("alice", "bob", "carol")]
    project = _project(analysts)
    log_in(page, live_server, analysts[0])
    page.goto(f"{live_server.url}/projects/{project.slug}/agreement/")
    expect(page.get_by_role("heading", name="Agreement", exact=True)).to_be_visible()
    heat_map = page.locator("svg.agreement-heatmap")
    expect(heat_map).to_be_visible()
    expect(heat_map.locator("text", has_text="carol")).to_have_count(2)  # a row and a column
    expect(page.locator("svg.agreement-bars")).to_have_count(2)
    if os.environ.get("AGREEMENT_SCREENSHOT"):
        page.screenshot(path=os.environ["AGREEMENT_SCREENSHOT"], full_page=True)
    page.get_by_label("Cohen's kappa on").select_option("speculation")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/projects/{project.slug}/agreement/?label=speculation")
    expect(heat_map.locator("> title")).to_have_text("Cohen's kappa per pair of analysts, Speculation")
    page.get_by_role("link", name="Port Alder lease, part 1").click()
    expect(page.get_by_role("heading", name="Agreement: Port Alder lease, part 1")).to_be_visible()
    assert problems == []
