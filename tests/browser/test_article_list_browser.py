"""The article list's live search in a browser: the back button brings back the search as typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_workbench_browser import log_in
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_back_after_searching_shows_the_earlier_search_in_the_box(page: Page, live_server, analyst, problems):
    ArticleFactory(title="ISIS Advancing on Palmyra", paragraphs=["Clashes near Palmyra."])
    ArticleFactory(title="Ceasefire in Aleppo", paragraphs=["Talks in Aleppo."])
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}/")
    search = page.locator("#id_q")
    titles = page.locator("#results td.title")
    expect(titles).to_have_count(2)

    search.fill("palmyra")
    expect(page).to_have_url(re.compile(r"\?q=palmyra"))
    expect(titles).to_have_text(["ISIS Advancing on Palmyra"])
    search.fill("aleppo")
    expect(page).to_have_url(re.compile(r"\?q=aleppo"))
    expect(titles).to_have_text(["Ceasefire in Aleppo"])

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=palmyra"))
    expect(titles).to_have_text(["ISIS Advancing on Palmyra"])
    expect(search).to_have_value("palmyra")

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(titles).to_have_count(2)
    expect(search).to_have_value("")

    page.go_forward()
    expect(page).to_have_url(re.compile(r"\?q=palmyra"))
    expect(search).to_have_value("palmyra")
    assert problems == []
