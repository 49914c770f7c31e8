"""The "as shown" bookmarklet in a browser: on another site's page it opens our import page, which receives
the page's HTML (as the browser shows it) by postMessage; Import stores it and opens the article."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from articles.models import Article
from tests.browser.test_workbench_browser import log_in
from tests.page_server import ARTICLE_HTML

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_page_as_shown_is_imported_and_its_article_opens(page: Page, live_server, analyst, page_server):
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/import/web/")
    bookmarklet = page.get_by_role("link", name="Add to Provenance (as shown)").get_attribute("href")
    assert bookmarklet.startswith("javascript:")

    # Another site's page (another origin), changed by its own script after loading: only the browser has
    # this paragraph, so only the "as shown" route can import it.
    story = page_server.page("/members/story", ARTICLE_HTML)
    page.goto(story)
    page.evaluate(
        """() => {
          const p = document.createElement("p");
          p.textContent = "Members can read the council's full lease terms, which run to ninety pages and "
            + "include a clause on the dock workers' pensions that the operator asked to keep confidential.";
          document.querySelector("article").append(p);
        }"""
    )
    with page.expect_popup() as opened:
        page.add_script_tag(content=bookmarklet.removeprefix("javascript:"))
    window = opened.value
    expect(window.locator("#html-status")).to_have_text(
        re.compile(r"^Ready: the page as your browser shows it")
    )
    expect(window.locator("#id_url")).to_have_value(story)
    window.get_by_role("button", name="Import").click()

    expect(window).to_have_url(re.compile(r"/articles/\d+/$"))
    expect(window.get_by_text("Imported “Harbour lease approved after late-night vote”.")).to_be_visible()
    article = Article.objects.get()
    assert article.web_page.page_url == story
    assert any("ninety pages" in text for text in article.paragraphs.values_list("text", flat=True))
    # The server never fetched the page: every request came from the browser.
    agents = {headers["User-Agent"] for _, headers in page_server.requests}
    assert not [agent for agent in agents if agent.startswith("Provenance")]
