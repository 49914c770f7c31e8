"""Boilerplate suggestions on the article page: accepting one highlights the passage without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from annotator.models import Annotation
from articles import detection
from tests.browser.test_workbench_browser import log_in
from tests.factories import ArticleFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOOTER = "Copyright © The Valley Courier. All rights reserved, reproduction only with permission."


def test_accepting_a_suggestion_highlights_it_at_once(page: Page, live_server, analyst, labels, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    courier = SourceFactory(name="Valley Courier")
    article = ArticleFactory(publisher=courier, paragraphs=["The council met on Monday.", FOOTER])
    other = ArticleFactory(publisher=courier, paragraphs=["A storm hit the coast.", FOOTER])
    detection.detect([article.pk, other.pk])
    footer = article.paragraphs.get(text=FOOTER)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.evaluate("window.notReloaded = true")
    suggestions = page.locator("#boilerplate-suggestions")
    expect(suggestions.locator("blockquote")).to_have_text(FOOTER)
    expect(page.locator(f"#para-{footer.pk} mark")).to_have_count(0)

    suggestions.get_by_role("button", name="Accept", exact=True).click()

    expect(page.locator("#notice")).to_contain_text("Tagged as boilerplate.")
    mark = page.locator(f'#para-{footer.pk} mark[data-label="boilerplate"]')
    expect(mark).to_have_text(FOOTER)
    expect(suggestions).to_contain_text("No open suggestions.")
    assert page.evaluate("window.notReloaded") is True
    assert page.locator(f"#para-{footer.pk}").get_attribute("hx-swap-oob") is None
    assert Annotation.objects.get().quote == FOOTER
    assert problems == []
