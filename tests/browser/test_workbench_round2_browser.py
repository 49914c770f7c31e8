"""The workbench, round two: toolbar fields that outlive their words, half words, a conflict left stale."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import articles
from annotator.models import Annotation
from articles.importers import import_file
from tests.browser.test_workbench_browser import log_in, open_article, second_seed, select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AUDITOR_ARTICLE = (
    Path(articles.__file__).parent / "demo" / "07_ledger_mayor-defends-lease-as-auditor-opens-review.txt"
)
CONFLICT = "This span was changed meanwhile (you had version 1, it is now at version 2); nothing was saved."


def test_attribution_and_note_left_in_a_dismissed_toolbar_are_not_saved_on_the_next_span(
    page: Page, live_server, analyst, labels, seed_paths, problems
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The terrorist group claim")
    open_article(page, live_server, analyst, article)
    toolbar = page.locator("#toolbar")
    attributed_to = toolbar.locator("input[name=attributed_to]")
    note = toolbar.locator("input[name=note]")

    select(page, paragraph, "The terrorist group")
    attributed_to.fill("Pentagon")
    note.fill("check the figure")
    page.keyboard.press("Escape")
    expect(toolbar).to_be_hidden()

    select(page, paragraph, "government forces")
    expect(toolbar).to_be_visible()
    expect(attributed_to).to_have_value("")
    attributed_to.fill("Pentagon")
    note.fill("check the figure")
    page.locator("h1").click()  # clicking elsewhere hides the toolbar too
    expect(toolbar).to_be_hidden()

    select(page, paragraph, "Pro-government sources", release=False)
    page.keyboard.press("f")
    text = page.locator(f'[data-paragraph-id="{paragraph.pk}"]')
    expect(text.locator('mark[data-label="reported_fact"]')).to_have_text("Pro-government sources")
    span = Annotation.objects.get()
    assert (span.quote, span.attributed_to, span.note) == ("Pro-government sources", "", "")
    assert problems == []


def test_typing_for_one_selection_does_not_carry_over_to_a_new_selection(
    page: Page, live_server, analyst, labels, seed_paths, problems
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The terrorist group claim")
    open_article(page, live_server, analyst, article)
    toolbar = page.locator("#toolbar")

    select(page, paragraph, "The terrorist group")
    toolbar.locator("input[name=attributed_to]").fill("Pentagon")
    toolbar.locator("input[name=note]").fill("check the figure")
    select(page, paragraph, "Pro-government sources")
    expect(toolbar.locator("input[name=attributed_to]")).to_have_value("")
    expect(toolbar.locator("input[name=note]")).to_have_value("")
    toolbar.locator('button[data-label="reported_fact"]').click()

    expect(page.locator(f'[data-paragraph-id="{paragraph.pk}"] mark')).to_have_text("Pro-government sources")
    span = Annotation.objects.get()
    assert (span.quote, span.attributed_to, span.note) == ("Pro-government sources", "", "")
    assert problems == []


def test_a_selection_from_inside_a_word_to_inside_another_tags_the_whole_words(
    page: Page, live_server, analyst, labels, problems
):
    article = import_file(AUDITOR_ARTICLE).articles[0]
    paragraph = article.paragraphs.get(text__startswith="Port Alder’s city auditor")
    open_article(page, live_server, analyst, article)

    select(page, paragraph, "uditor, Helga Strö", release=False)
    page.keyboard.press("f")

    mark = page.locator(f'[data-paragraph-id="{paragraph.pk}"] mark[data-label="reported_fact"]')
    expect(mark).to_have_text("auditor, Helga Ström")
    span = Annotation.objects.get()
    start = paragraph.text.index("auditor, Helga Ström")
    assert (span.start, span.end, span.quote) == (start, start + 20, "auditor, Helga Ström")
    assert problems == []


def test_after_a_conflict_the_page_shows_the_other_change_and_closes_the_stale_form(
    page: Page,
    browser: Browser,
    browser_context_args,
    live_server,
    analyst,
    staff,
    labels,
    seed_paths,
    annotate,
    problems,
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The terrorist group claim")
    span = annotate(paragraph, "Pro-government sources", "reported_fact", reviewer=analyst)
    open_article(page, live_server, analyst, article)  # the reviewer opens the page first
    own_mark = page.locator(f'mark[data-annotation-id="{span.pk}"]')
    own_mark.click()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()

    staff_context = browser.new_context(**browser_context_args)
    try:
        staff_page = staff_context.new_page()
        log_in(staff_page, live_server, staff)
        staff_page.goto(f"{live_server.url}{article.get_absolute_url()}?layer=all")
        staff_page.locator(f'mark[data-annotation-id="{span.pk}"]').click()
        staff_page.locator('#popover input[name=label][value="speculation"]').check()
        staff_page.locator("#popover").get_by_role("button", name="Save").click()
        expect(staff_page.locator(f'mark[data-annotation-id="{span.pk}"]')).to_have_attribute(
            "data-label", "speculation"
        )
    finally:
        staff_context.close()

    popover.locator("textarea[name=note]").fill("source unnamed")
    popover.get_by_role("button", name="Save").click()

    expect(page.locator("#notice")).to_contain_text(CONFLICT)
    # The popover reopens on the span as it now is, with the note typed here offered to apply again.
    expect(popover.get_by_role("region", name="Your unsaved values")).to_contain_text("source unnamed")
    expect(popover.locator('input[name=label][value="speculation"]')).to_be_checked()
    expect(own_mark).to_have_attribute("data-label", "speculation")
    expect(page.locator('[data-count-for="speculation"]')).to_have_text("1")
    expect(page.locator('[data-count-for="reported_fact"]')).to_have_text("0")
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.version) == ("speculation", "", 2)

    own_mark.click()
    expect(popover.locator("input[name=version]").first).to_have_value("2")
    # The browser and htmx both log the 409 of the conflict; anything else is a problem.
    assert [problem for problem in problems if "409" not in problem] == []
