"""The workbench at its edges: refusals with DEBUG on, triple clicks, Esc, a session that ended meanwhile."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from annotator.models import Annotation
from tests.browser.test_workbench_browser import CLAIM, open_article, second_seed, select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FAIR_USE = "www.globalresearch.ca contains copyrighted material"


def test_a_refusal_shows_in_the_notice_with_debug_on(
    page: Page, live_server, analyst, labels, seed_paths, settings, problems
):
    settings.DEBUG = True
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The terrorist group claim")
    open_article(page, live_server, analyst, article)

    select(page, paragraph, CLAIM, release=False)
    page.keyboard.press("s")
    mark = page.locator(f'[data-paragraph-id="{paragraph.pk}"] mark[data-label="speculation"]')
    expect(mark).to_have_text(CLAIM)

    select(page, paragraph, CLAIM, release=False)
    page.keyboard.press("s")
    notice = page.locator("#notice")
    expect(notice).to_contain_text("alice already tagged these words as Speculation.")
    expect(notice).to_have_attribute("role", "alert")
    expect(page.locator("h1")).to_have_text(
        "Breaking: ISIS Terrorists Advancing on Palmyra amid Ceasefire in Aleppo"
    )
    expect(mark).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True
    assert Annotation.objects.count() == 1
    # The browser and htmx both log the 400 of the refusal; anything else is a problem.
    assert [problem for problem in problems if "400" not in problem] == []


def test_a_triple_click_tags_the_whole_paragraph(
    page: Page, live_server, analyst, labels, seed_paths, problems
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith=FAIR_USE)
    assert article.paragraphs.filter(position=paragraph.position + 1).exists()  # the range ends in the next
    open_article(page, live_server, analyst, article)

    text = page.locator(f'[data-paragraph-id="{paragraph.pk}"]')
    text.click(click_count=3)
    expect(page.locator("#toolbar")).to_be_visible()
    expect(page.locator("#notice")).to_be_hidden()
    page.keyboard.press("b")

    expect(text.locator('mark[data-label="boilerplate"]')).to_have_text(paragraph.text.strip())
    # The panel's refresh must be answered before the test ends: a late request would hold the database
    # while the next test's flush runs.
    expect(page.locator('[data-count-for="boilerplate"]')).to_have_text("1")
    span = Annotation.objects.get()
    assert (span.paragraph_id, span.start, span.end) == (paragraph.pk, 0, len(paragraph.text.strip()))
    assert problems == []


def test_a_selection_into_the_next_paragraph_is_still_refused(
    page: Page, live_server, analyst, labels, seed_paths, problems
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith=FAIR_USE)
    following = article.paragraphs.get(position=paragraph.position + 1)
    open_article(page, live_server, analyst, article)

    page.evaluate(
        """([first, second]) => {
          const range = document.createRange();
          range.setStart(document.querySelector(`[data-paragraph-id="${first}"]`).firstChild, 0);
          range.setEnd(document.querySelector(`[data-paragraph-id="${second}"]`).firstChild, 1);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          document.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }""",
        [paragraph.pk, following.pk],
    )
    expect(page.locator("#notice")).to_contain_text(
        "A span stays inside one paragraph: select words within a single paragraph."
    )
    expect(page.locator("#toolbar")).to_be_hidden()
    assert problems == []


def test_esc_drops_the_selection_so_a_label_key_tags_nothing(
    page: Page, live_server, analyst, labels, seed_paths, problems
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The terrorist group claim")
    open_article(page, live_server, analyst, article)

    select(page, paragraph, "The terrorist group")
    toolbar = page.locator("#toolbar")
    expect(toolbar).to_be_visible()
    page.keyboard.press("Escape")
    expect(toolbar).to_be_hidden()
    assert page.evaluate("getSelection().toString()") == ""
    page.keyboard.press("s")

    # A later tag goes through after anything the `s` could have sent: only that one is saved.
    select(page, paragraph, "Pro-government sources", release=False)
    page.keyboard.press("f")
    text = page.locator(f'[data-paragraph-id="{paragraph.pk}"]')
    expect(text.locator('mark[data-label="reported_fact"]')).to_have_text("Pro-government sources")
    expect(text.locator("mark")).to_have_count(1)
    assert list(Annotation.objects.values_list("quote", flat=True)) == ["Pro-government sources"]
    assert problems == []


def test_a_tag_after_the_session_ended_leads_to_login_and_back(
    page: Page, live_server, analyst, labels, seed_paths
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The terrorist group claim")
    open_article(page, live_server, analyst, article)
    page.context.clear_cookies(name=django_settings.SESSION_COOKIE_NAME)

    select(page, paragraph, "The terrorist group", release=False)
    page.keyboard.press("s")

    page.wait_for_url(f"{live_server.url}/accounts/login/?next=/articles/{article.pk}/")
    expect(page.get_by_role("status")).to_have_text("You were logged out: log in again to go on.")
    assert not Annotation.objects.exists()
    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")
    expect(page.locator(f'[data-paragraph-id="{paragraph.pk}"]')).to_be_visible()
