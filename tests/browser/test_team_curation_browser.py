"""A team project end to end in Chromium: staff create it from the article list, two analysts tag a seed
differently and mark it done from the keyboard, the curator settles the gold layer, the gold export holds
it."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from annotator.models import Annotation, Project
from tests.browser.test_workbench_browser import CLAIM, log_in, second_seed, select
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FACT = "The Aleppo decision could also be linked to the situation near Palmyra."


def as_user(page: Page, live_server, user) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, user)


def tag(page: Page, paragraph, quote: str, key: str) -> None:
    select(page, paragraph, quote, release=False)
    page.keyboard.press(key)
    expect(page.locator(f'[data-paragraph-id="{paragraph.pk}"] mark').first).to_be_visible()


def test_two_analysts_disagree_the_curator_settles_the_gold_export_holds_it(
    page: Page, live_server, labels, seed_paths, problems
):
    article = second_seed(seed_paths)
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    cora, sam = UserFactory(username="cora"), UserFactory(username="sam", is_staff=True)
    claim = article.paragraphs.get(text__startswith="The terrorist group claim")
    linked = article.paragraphs.get(text__startswith="The Aleppo decision")

    # Staff: from the article list's search to a project.
    as_user(page, live_server, sam)
    page.goto(f"{live_server.url}/?q=Palmyra")
    page.get_by_role("link", name="New project from these articles").click()
    expect(page.locator(f'input[name=articles][value="{article.pk}"]')).to_be_checked()
    page.fill("#id_name", "Palmyra check")
    for user in (alice, bob):
        page.locator(f'#id_analysts input[value="{user.pk}"]').check()
    page.locator(f'#id_curators input[value="{cora.pk}"]').check()
    page.locator("#id_blind").check()
    page.fill("#id_definition_speculation", "A guess about what may happen or why.")
    page.get_by_role("button", name="Create the project").click()
    expect(page.locator("h1")).to_have_text("Palmyra check")
    project = Project.objects.get(slug="palmyra-check")

    # Alice: next article from the project page, tag, then `d` marks it done.
    as_user(page, live_server, alice)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    page.get_by_role("link", name="Next article").click()
    expect(page.locator("#article-title")).to_have_text(article.title)
    expect(page.locator(".legend-guidelines")).to_contain_text("A guess about what may happen or why.")
    tag(page, linked, FACT, "f")
    tag(page, claim, CLAIM, "c")
    page.keyboard.press("d")
    expect(page.locator(".queue-bar .status.done")).to_have_text("Done")
    page.keyboard.press("n")  # her queue is empty now
    expect(page.locator("main")).to_contain_text("Nothing left in your queue")

    # Bob, in blind mode, sees none of alice's spans; he agrees on the fact, calls the claim speculation.
    as_user(page, live_server, bob)
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="Next article in my queue").click()
    expect(page.locator("#article-title")).to_have_text(article.title)
    page.goto(f"{live_server.url}{article.get_absolute_url()}?layer=all")
    expect(page.locator("#paragraphs mark")).to_have_count(0)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    tag(page, linked, FACT, "f")
    tag(page, claim, CLAIM, "s")
    page.keyboard.press("d")
    expect(page.locator(".queue-bar .status.done")).to_have_text("Done")

    # Cora: the project page says the article is ready; she merges the agreement and takes alice's claim.
    as_user(page, live_server, cora)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    page.get_by_role("link", name="Curate", exact=True).click()
    expect(page.locator(".disagreement.open")).to_have_count(1)
    expect(page.locator(".disagreement.open")).to_contain_text("Attributed claim")
    expect(page.locator(".disagreement.open")).to_contain_text("Speculation")
    page.get_by_role("button", name="Copy the 1 agreed span into gold").click()
    expect(page.locator(".gold-list li")).to_have_count(1)
    page.get_by_role("button", name="Take alice's").click()
    expect(page.locator(".disagreement.settled")).to_have_count(1)
    page.get_by_role("button", name="Mark curated").click()
    expect(page.locator("main")).to_contain_text("is curated: its gold layer is settled.")

    # The gold export holds the settled layer, and blind mode has lifted for bob.
    body = page.request.get(f"{live_server.url}/api/v1/export/spans?layer=gold&project=palmyra-check").text()
    spans = sorted(
        (row["label"], row["quote"], row["reviewer"]) for row in map(json.loads, body.splitlines())
    )
    assert spans == [
        ("attributed_claim", CLAIM, "gold:palmyra-check"),
        ("reported_fact", FACT, "gold:palmyra-check"),
    ]
    gold = Annotation.objects.live().gold_of(project)
    assert {change.actor for span in gold for change in span.changes.all()} == {cora}
    as_user(page, live_server, bob)
    page.goto(f"{live_server.url}{article.get_absolute_url()}?layer=all")
    expect(page.locator(f'[data-paragraph-id="{claim.pk}"] mark[data-reviewer="alice"]')).to_have_count(1)
    assert problems == []
