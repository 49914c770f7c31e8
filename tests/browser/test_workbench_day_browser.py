"""The workbench for a working day, in a wide window (1440 x 900) and half a screen (800 x 900).

Every label named on the page and in a span list in reading order; contradictions and notes shown;
nothing typed lost to a conflict or an ended session; the panel one press away in a narrow window; tagging
with the keyboard alone; axe-core finding nothing serious on the article page.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from annotator.models import Annotation
from tests.browser.axe import assert_accessible
from tests.browser.test_workbench_browser import log_in, open_article, second_seed, select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = [1440, 800]
CLAIM_START = "The terrorist group claim"
FIGURE = "lost up to 100 fighters"

# The text a pseudo-element draws, e.g. a span's label tag (::before) or its note (::after).
GENERATED = "([selector, which]) => getComputedStyle(document.querySelector(selector), which).content"


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request, page: Page) -> int:
    page.set_viewport_size({"width": request.param, "height": 900})
    return request.param


def mark(page: Page, span: Annotation):
    return page.locator(f'mark[data-annotation-id="{span.pk}"]').first


def open_panel_if_narrow(page: Page, width: int) -> None:
    if width < 1024:
        page.get_by_role("button", name=re.compile("^Labels, spans and history")).click()
        expect(page.locator("#side-panel")).to_be_in_viewport()


def test_three_labels_on_the_same_words_are_each_named_and_listed_in_reading_order(
    page: Page, live_server, analyst, labels, seed_paths, annotate, width, problems
):
    article = second_seed(seed_paths)
    first = article.paragraphs.order_by("position").first()
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    stacked = [
        annotate(claim, FIGURE, slug, reviewer=analyst)
        for slug in ("reported_fact", "attributed_claim", "speculation")
    ]
    opening = annotate(first, "December 8", "reported_fact", reviewer=analyst, attributed_to="SANA")
    open_article(page, live_server, analyst, article)

    for span, name in zip(stacked, ["Reported fact", "Attributed claim", "Speculation"], strict=True):
        tag = page.evaluate(GENERATED, [f'mark[data-annotation-id="{span.pk}"]', "::before"])
        assert name in tag, tag
    # All three are on screen at once, one inside the other, each with its own tag box.
    for span in stacked:
        expect(mark(page, span)).to_have_text(FIGURE)

    open_panel_if_narrow(page, width)
    entries = page.locator(".span-items .goto")
    expect(entries).to_have_count(4)
    expect(entries.nth(0)).to_contain_text("Reported fact")
    expect(entries.nth(0)).to_contain_text("December 8 — SANA")
    for i, name in enumerate(["Reported fact", "Attributed claim", "Speculation"], start=1):
        expect(entries.nth(i)).to_contain_text(name)
        expect(entries.nth(i)).to_contain_text(FIGURE)

    entries.nth(3).click()
    target = mark(page, stacked[2])
    expect(target).to_be_focused()
    expect(target).to_have_class(re.compile(r"\bflash\b"))
    expect(target).to_be_in_viewport()
    expect(page.locator("#popover")).to_be_hidden()
    page.keyboard.press("Enter")
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    expect(popover.locator(".span-card").first).to_have_attribute("data-card-for", str(stacked[2].pk))
    assert opening.pk != stacked[0].pk
    assert problems == []


def test_tagging_words_that_carry_an_excluding_label_warns_and_names_the_other_span(
    page: Page, live_server, analyst, labels, seed_paths, annotate, width, problems
):
    article = second_seed(seed_paths)
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    speculation = annotate(claim, FIGURE, "speculation", reviewer=analyst)
    open_article(page, live_server, analyst, article)

    select(page, claim, "up to 100 fighters")
    page.keyboard.press("f")
    notice = page.locator("#notice")
    expect(notice).to_contain_text(
        "Tagged as Reported fact. Contradiction: “lost up to 100 fighters” is also tagged Speculation, "
        "which excludes Reported fact. Both spans are kept."
    )
    expect(notice).to_have_attribute("role", "alert")
    fact = Annotation.objects.get(label__slug="reported_fact")
    assert fact.quote == "up to 100 fighters"
    assert Annotation.objects.live().count() == 2
    # Both spans carry the warning sign in the text and in the list.
    for span in (fact, speculation):
        tag = page.evaluate(GENERATED, [f'mark[data-annotation-id="{span.pk}"]', "::before"])
        assert "⚠" in tag, tag
    open_panel_if_narrow(page, width)
    expect(page.locator(".span-items .contra-mark")).to_have_count(2)
    assert problems == []


def test_a_span_with_a_note_is_marked_and_its_note_shows_in_the_list_and_on_focus(
    page: Page, live_server, analyst, labels, seed_paths, annotate, width, problems
):
    article = second_seed(seed_paths)
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    noted = annotate(claim, FIGURE, "attributed_claim", reviewer=analyst, note="figure not confirmed")
    plain = annotate(claim, "Pro-government sources", "reported_fact", reviewer=analyst)
    open_article(page, live_server, analyst, article)

    assert "✎" in page.evaluate(GENERATED, [f'mark[data-annotation-id="{noted.pk}"]', "::before"])
    assert "✎" not in page.evaluate(GENERATED, [f'mark[data-annotation-id="{plain.pk}"]', "::before"])
    expect(mark(page, noted)).to_have_attribute("title", re.compile("Note: figure not confirmed"))

    open_panel_if_narrow(page, width)
    entry = page.locator(f'.goto[data-goto="{noted.pk}"]')
    expect(entry.locator(".note-text")).to_have_text("✎ figure not confirmed")
    expect(page.locator(f'.goto[data-goto="{plain.pk}"] .note-text')).to_have_count(0)
    entry.click()
    expect(mark(page, noted)).to_be_focused()
    note_shown = page.evaluate(GENERATED, [f'mark[data-annotation-id="{noted.pk}"]', "::after"])
    assert note_shown == '"Note: " "figure not confirmed"' or "figure not confirmed" in note_shown
    assert problems == []


def test_after_a_conflict_the_popover_reopens_at_the_current_version_and_applies_my_values(
    page: Page,
    browser: Browser,
    browser_context_args,
    live_server,
    analyst,
    staff,
    labels,
    seed_paths,
    annotate,
    width,
    problems,
):
    article = second_seed(seed_paths)
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    span = annotate(claim, "Pro-government sources", "reported_fact", reviewer=analyst)
    open_article(page, live_server, analyst, article)
    mark(page, span).click()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()

    other = browser.new_context(**browser_context_args)
    try:
        staff_page = other.new_page()
        log_in(staff_page, live_server, staff)
        staff_page.goto(f"{live_server.url}{article.get_absolute_url()}?layer=all")
        staff_page.locator(f'mark[data-annotation-id="{span.pk}"]').first.click()
        staff_page.locator('#popover input[name=label][value="speculation"]').check()
        staff_page.locator("#popover").get_by_role("button", name="Save").click()
        expect(staff_page.locator(f'mark[data-annotation-id="{span.pk}"]').first).to_have_attribute(
            "data-label", "speculation"
        )
    finally:
        other.close()

    popover.locator('input[name=label][value="attributed_claim"]').check()
    popover.locator("input[name=attributed_to]").fill("Damascus")
    popover.locator("textarea[name=note]").fill("source unnamed")
    popover.get_by_role("button", name="Save").click()

    expect(page.locator("#notice")).to_contain_text("This span was changed meanwhile")
    expect(popover).to_be_visible()
    expect(popover.locator("input[name=version]").first).to_have_value("2")
    expect(popover.locator('input[name=label][value="speculation"]')).to_be_checked()
    mine = popover.get_by_role("region", name="Your unsaved values")
    expect(mine).to_contain_text("Attributed claim")
    expect(mine).to_contain_text("Damascus")
    expect(mine).to_contain_text("source unnamed")
    mine.get_by_role("button", name="Apply my values").click()

    expect(page.locator("#notice")).to_contain_text("Span saved as Attributed claim.")
    span.refresh_from_db()
    assert (span.label.slug, span.attributed_to, span.note, span.version) == (
        "attributed_claim",
        "Damascus",
        "source unnamed",
        3,
    )
    assert page.evaluate("window.notReloaded") is True
    assert [problem for problem in problems if "409" not in problem] == []


def test_a_span_tagged_after_the_session_ended_is_offered_again_after_login(
    page: Page, live_server, analyst, labels, seed_paths, width, problems
):
    article = second_seed(seed_paths)
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    open_article(page, live_server, analyst, article)
    select(page, claim, "Pro-government sources")
    page.locator("#toolbar input[name=note]").fill("which sources?")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session ends while the analyst types
    page.locator("#toolbar").get_by_role("button", name=re.compile("^Attributed claim")).click()

    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert Annotation.objects.count() == 0
    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")

    offer = page.get_by_role("region", name="Your unsaved values")
    expect(offer).to_contain_text("Not saved when your session ended: “Pro-government sources”.")
    expect(offer).to_contain_text("Attributed claim")
    expect(offer).to_contain_text("which sources?")
    offer.get_by_role("button", name="Save this span").click()
    expect(page.locator("#notice")).to_contain_text("Tagged as Attributed claim.")
    span = Annotation.objects.get()
    assert (span.quote, span.label.slug, span.note) == (
        "Pro-government sources",
        "attributed_claim",
        "which sources?",
    )
    page.reload()
    expect(page.get_by_role("region", name="Your unsaved values")).to_have_count(0)
    assert [problem for problem in problems if "401" not in problem] == []


def test_a_change_sent_after_the_session_ended_is_offered_on_the_span_after_login(
    page: Page, live_server, analyst, labels, seed_paths, annotate, width, problems
):
    article = second_seed(seed_paths)
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    span = annotate(claim, "Pro-government sources", "reported_fact", reviewer=analyst, note="old note")
    open_article(page, live_server, analyst, article)
    mark(page, span).click()
    popover = page.locator("#popover")
    popover.locator("textarea[name=note]").fill("denial, not a fact")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    popover.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")

    offer = popover.get_by_role("region", name="Your unsaved values")
    expect(offer).to_contain_text("Not saved when your session ended.")
    expect(offer).to_contain_text("denial, not a fact")
    expect(offer).not_to_contain_text("Label")  # the label was left alone: nothing to offer for it
    offer.get_by_role("button", name="Apply my values").click()
    expect(page.locator("#notice")).to_contain_text("Span saved as Reported fact.")
    span.refresh_from_db()
    assert (span.note, span.version) == ("denial, not a fact", 2)
    assert [problem for problem in problems if "401" not in problem] == []


def test_the_panel_is_reachable_without_scrolling_and_the_first_paragraph_is_on_screen(
    page: Page, live_server, analyst, labels, seed_paths, width, problems
):
    article = second_seed(seed_paths)
    first = article.paragraphs.order_by("position").first()
    open_article(page, live_server, analyst, article)

    expect(page.locator(f"#para-{first.pk}")).to_be_in_viewport()
    details = page.locator(".meta-details")
    expect(details).not_to_have_attribute("open", "")
    expect(details.locator("summary")).to_contain_text("Global Research")
    panel = page.get_by_role("complementary", name="Labels, spans and history")
    if width >= 1024:
        expect(panel.get_by_role("heading", name="Labels")).to_be_in_viewport()
    else:
        expect(panel).to_be_hidden()
        page.mouse.wheel(0, 2500)  # far down the article: the toggle is still there
        page.wait_for_timeout(200)
        toggle = page.get_by_role("button", name=re.compile("^Labels, spans and history"))
        expect(toggle).to_be_in_viewport()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        page.keyboard.press("p")
        expect(panel.get_by_role("heading", name="Labels")).to_be_in_viewport()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        toggle.click()
        expect(panel.get_by_role("heading", name="History")).to_be_visible()
        panel.get_by_role("button", name="Close the panel").click()
        expect(panel).to_be_hidden()
    assert problems == []


def test_keyboard_only_tagging_by_word_and_by_sentence(
    page: Page, live_server, analyst, labels, seed_paths, width, problems
):
    article = second_seed(seed_paths)
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    open_article(page, live_server, analyst, article)
    for _ in range(claim.position + 1):
        page.keyboard.press("j")
    expect(page.locator(f"#para-{claim.pk}")).to_be_focused()

    page.keyboard.press("ArrowRight")  # the first word
    expect(page.locator("#keyboard-status")).to_have_text("Selected: The")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#keyboard-status")).to_have_text("Selected: The terrorist group")
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("Tab")  # into the toolbar, for who says it
    expect(page.locator("#toolbar input[name=attributed_to]")).to_be_focused()
    page.keyboard.type("ISIS")
    for _ in range(3):  # back over Boilerplate and Speculation to the Attributed claim button
        page.keyboard.press("Shift+Tab")
    expect(page.locator('#toolbar button[data-label="attributed_claim"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#notice")).to_contain_text("Tagged as Attributed claim.")
    first = Annotation.objects.get()
    assert (first.quote, first.label.slug, first.attributed_to) == (
        "The terrorist group",
        "attributed_claim",
        "ISIS",
    )

    # The paragraph was redrawn and keeps the focus: on to the fourth word, then to the end of the sentence.
    expect(page.locator(f"#para-{claim.pk}")).to_be_focused()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#keyboard-status")).to_have_text("Selected: claim")
    page.keyboard.press("Shift+ArrowDown")
    sentence = "claim that government forces have lost up to 100 fighters since the start of the clashes"
    expect(page.locator("#keyboard-status")).to_have_text(f"Selected: {sentence}")
    page.keyboard.press("s")
    expect(page.locator("#notice")).to_contain_text("Tagged as Speculation.")
    second = Annotation.objects.get(label__slug="speculation")
    assert second.quote == sentence

    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_contain_text("Extend / shrink the selection by a word")
    expect(shortcuts).to_contain_text("Extend the selection to the end / start of the sentence")
    assert problems == []


def test_the_article_page_has_no_serious_accessibility_violations_and_names_its_parts(
    page: Page, live_server, analyst, labels, seed_paths, annotate, width, problems
):
    article = second_seed(seed_paths)
    claim = article.paragraphs.get(text__startswith=CLAIM_START)
    annotate(claim, FIGURE, "speculation", reviewer=analyst, note="unconfirmed")
    annotate(claim, FIGURE, "reported_fact", reviewer=analyst)
    open_article(page, live_server, analyst, article)
    assert_accessible(page)

    open_panel_if_narrow(page, width)
    expect(page.get_by_role("complementary", name="Labels, spans and history")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    select(page, claim, "Pro-government sources")
    toolbar = page.get_by_role("form", name="Tag the selection")
    expect(toolbar).to_be_visible()
    expect(toolbar.get_by_role("group", name="Labels")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")

    mark(page, Annotation.objects.get(label__slug="speculation")).click()
    expect(page.get_by_role("dialog", name="Span details")).to_be_visible()
    assert_accessible(page)
    assert problems == []
