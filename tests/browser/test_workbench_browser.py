"""What only a browser shows: selection to offsets, the toolbar, keyboard shortcuts, htmx swaps, CSP."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from annotator.models import Annotation
from articles.importers import import_file
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLAIM = (
    "The terrorist group claim that government forces have lost up to 100 fighters "
    "since the start of the clashes."
)
LINKED = "The Aleppo decision could also be linked to the situation near Palmyra."

# Select `quote` in a paragraph with a Range over its text nodes, as a mouse drag would, then let go.
SELECT = """([paragraphId, quote, release]) => {
  const element = document.querySelector(`[data-paragraph-id="${paragraphId}"]`);
  const start = element.textContent.indexOf(quote);
  if (start < 0) throw new Error("quote not in paragraph");
  const end = start + quote.length;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let position = 0, node, startSet = false;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (!startSet && start < position + length) { range.setStart(node, start - position); startSet = true; }
    if (end <= position + length) { range.setEnd(node, end - position); break; }
    position += length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  if (release) element.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
}"""


def log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def open_article(page: Page, live_server, user, article) -> None:
    """Log in and open the article; `window.notReloaded` tells a test whether the page was ever replaced."""
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.evaluate("window.notReloaded = true")


def select(page: Page, paragraph, quote: str, *, release: bool = True) -> None:
    page.evaluate(SELECT, [paragraph.pk, quote, release])


def second_seed(seed_paths):
    return import_file(seed_paths[1]).articles[0]


def test_tag_a_claim_reload_relabel_delete_and_undo(
    page: Page, live_server, analyst, labels, seed_paths, problems
):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The terrorist group claim")

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")  # waits for the load event too
    expect(page.locator("h1")).to_have_text(
        "Breaking: ISIS Terrorists Advancing on Palmyra amid Ceasefire in Aleppo"
    )

    select(page, paragraph, CLAIM)
    toolbar = page.locator("#toolbar")
    expect(toolbar).to_be_visible()
    toolbar.locator("input[name=attributed_to]").fill("The terrorist group")
    toolbar.locator('button[data-label="attributed_claim"]').click()
    text = page.locator(f'[data-paragraph-id="{paragraph.pk}"]')
    mark = text.locator('mark[data-label="attributed_claim"]')
    expect(mark).to_have_text(CLAIM)
    expect(toolbar).to_be_hidden()
    expect(page.locator('[data-count-for="attributed_claim"]')).to_have_text("1")

    page.reload()
    expect(mark).to_have_text(CLAIM)
    span = Annotation.objects.get()
    assert (span.quote, span.attributed_to, span.reviewer) == (CLAIM, "The terrorist group", analyst)
    assert paragraph.text[span.start : span.end] == CLAIM

    mark.click()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    expect(popover.locator("input[name=attributed_to]")).to_have_value("The terrorist group")
    popover.locator('input[name=label][value="reported_fact"]').check()
    popover.get_by_role("button", name="Save").click()
    expect(text.locator('mark[data-label="reported_fact"]')).to_have_text(CLAIM)
    expect(popover).to_be_hidden()
    span.refresh_from_db()
    assert (span.label.slug, span.version) == ("reported_fact", 2)

    text.locator("mark").click()
    popover.get_by_role("button", name="Delete span").click()
    expect(text.locator("mark")).to_have_count(0)
    notice = page.locator("#notice")
    expect(notice).to_contain_text("Span deleted")
    notice.get_by_role("button", name="Undo").click()
    expect(text.locator('mark[data-label="reported_fact"]')).to_have_text(CLAIM)
    span.refresh_from_db()
    assert span.deleted_at is None
    expect(page.locator(".history-item").first).to_contain_text("alice undid")
    assert problems == []


def test_nested_speculation_with_the_keyboard(page: Page, live_server, analyst, labels, seed_paths, problems):
    article = second_seed(seed_paths)
    paragraph = article.paragraphs.get(text__startswith="The Aleppo decision")
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")

    select(page, paragraph, LINKED)
    page.locator('#toolbar button[data-label="attributed_claim"]').click()
    claim = page.locator(f'[data-paragraph-id="{paragraph.pk}"] mark[data-label="attributed_claim"]')
    expect(claim).to_have_text(LINKED)

    # The speculation is selected inside the claim's mark, so offsets must count across elements.
    select(page, paragraph, "could also be linked", release=False)
    page.keyboard.press("s")
    nested = claim.locator('mark[data-label="speculation"]')
    expect(nested).to_have_text("could also be linked")
    inner = Annotation.objects.get(label__slug="speculation")
    assert (inner.start, inner.end, inner.quote) == (20, 40, "could also be linked")

    nested.click()
    cards = page.locator("#popover .span-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Speculation")
    expect(cards.last).to_contain_text("Attributed claim")
    page.keyboard.press("Escape")
    expect(page.locator("#popover")).to_be_hidden()

    # From the span list: Enter goes to the span and focuses it, Enter again opens it.
    page.get_by_role("button", name="Speculation could also be linked", exact=True).focus()
    page.keyboard.press("Enter")
    expect(nested).to_be_focused()
    page.keyboard.press("Enter")
    expect(cards.first).to_contain_text("Speculation")
    expect(cards.first.locator("input[name=label][value=speculation]")).to_be_focused()
    page.keyboard.press("Escape")

    select(page, paragraph, "near Palmyra. If true", release=False)
    assert page.evaluate("getSelection().toString()") == "near Palmyra. If true"
    page.keyboard.press("u")
    expect(claim.locator("mark")).to_have_count(0)
    assert Annotation.objects.live().count() == 1

    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    assert problems == []


def test_script_text_stays_inert_and_astral_characters_keep_offsets(
    page: Page, live_server, analyst, labels, problems
):
    text = "Emoji 😀 first, then <script>window.pwned = 1</script> & <b>bold</b> “quoted”."
    article = ArticleFactory(paragraphs=[text, "A second paragraph."])
    paragraph = article.paragraphs.get(position=0)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")

    element = page.locator(f'[data-paragraph-id="{paragraph.pk}"]')
    assert element.text_content() == text
    assert page.evaluate("window.pwned") is None
    assert element.locator("script, b").count() == 0

    quote = "<script>window.pwned = 1</script> & <b>bold</b>"
    select(page, paragraph, quote)
    page.keyboard.press("b")
    expect(element.locator('mark[data-label="boilerplate"]')).to_have_text(quote)
    span = Annotation.objects.get()
    assert (span.start, span.quote) == (text.index(quote), quote)
    assert page.evaluate("window.pwned") is None

    page.evaluate(
        """() => {
          const [first, second] = document.querySelectorAll('[data-paragraph-id]');
          const range = document.createRange();
          range.setStart(first.firstChild, 0);
          range.setEnd(second.firstChild, 8);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          second.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }"""
    )
    expect(page.locator("#notice")).to_contain_text(
        "A span stays inside one paragraph: select words within a single paragraph."
    )
    expect(page.locator("#toolbar")).to_be_hidden()
    page.keyboard.press("f")
    assert Annotation.objects.count() == 1
    assert problems == []
