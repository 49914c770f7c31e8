"""Source criticism in a browser at a wide (1440 px) and a half-screen (800 px) window: the compare view with
the analyst's spans, undated articles, the Sources page and an outlet's page, the article list, the history
in plain words, Accept all's Undo and the admin's article list; axe-core finds nothing serious on each."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from annotator import spans
from annotator.models import Annotation, AnnotationChange
from articles import detection
from articles.importers import import_file
from articles.models import UNKNOWN_PUBLISHER
from tests.browser.axe import assert_accessible
from tests.browser.test_workbench_browser import log_in
from tests.factories import ArticleFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = [pytest.param(1440, id="1440px"), pytest.param(800, id="800px")]
HIGHWAY = "Homs-Al-Salamiyah-Palmyra highway"
SHARED = "The council voted on Monday to cut the school budget by ten percent from next year."
FOOTER = "Copyright © The Valley Courier. All rights reserved, reproduction only with permission."
APPEAL = "Become a member of the Valley Courier and support local reporting from the valley."


def _at(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


def _fits_the_window(page: Page) -> bool:
    """Whether the page itself needs no sideways scrolling."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_shows_my_spans_on_both_sides(
    page: Page, live_server, analyst, colleague, annotate, seed_paths, problems, width
):
    first, second = (import_file(path).articles[0] for path in seed_paths)
    detection.detect([first.pk, second.pk])
    older_paragraph = first.paragraphs.get(text__startswith="The tactical goal")
    newer_paragraph = second.paragraphs.get(text__contains="Homs-Palmyra highway")
    annotate(older_paragraph, HIGHWAY, "speculation", reviewer=analyst, note="Which road?")
    annotate(newer_paragraph, "December 8 morning", "attributed_claim", reviewer=analyst, attributed_to="SF")
    annotate(newer_paragraph, "car bombs", "speculation", reviewer=colleague)
    _at(page, width)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{reverse('annotator:compare', args=[first.pk, second.pk])}")

    left = page.locator(f"#o{older_paragraph.pk} .cspan")
    right = page.locator(f"#n{newer_paragraph.pk} .cspan")
    expect(left.first).to_be_visible()
    assert "".join(left.all_text_contents()) == HIGHWAY
    assert "".join(right.all_text_contents()) == "December 8 morning"
    expect(left.nth(1)).to_have_attribute(
        "title",
        f"not in the newer text · Your spans: Speculation: “{HIGHWAY}”; note: Which road?",
    )
    # Drawn as an underline in the label's colour over the reuse background, not instead of it.
    underline = left.first.evaluate("e => getComputedStyle(e).borderBottomWidth")
    assert underline == "3px"
    expect(page.locator(".compare-spans")).to_contain_text("1 on the left, 1 on the right.")
    assert page.locator(f"#n{newer_paragraph.pk} .cspan", has_text="car bombs").count() == 0
    # Hovering still lights the reused text on the other side.
    page.locator(f"#n{newer_paragraph.pk} .mk.same").first.hover()
    expect(page.locator(".mk.same.lit").first).to_be_visible()
    assert _fits_the_window(page)
    assert_accessible(page)
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_an_undated_article_is_undated_and_the_import_order_sets_the_sides(
    page: Page, live_server, analyst, problems, width
):
    undated = ArticleFactory(title="A repost without a date", published_on=None, paragraphs=[SHARED, "More."])
    dated = ArticleFactory(
        title="The dated original", published_on=datetime.date(2031, 1, 2), paragraphs=[SHARED, "Other."]
    )
    _at(page, width)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{reverse('annotator:compare', args=[dated.pk, undated.pk])}")
    badges = page.locator(".compare-age .badge")
    expect(badges).to_have_text(["Undated, earlier import", "Dated, later import"])
    expect(page.locator(".compare-order")).to_have_text(
        "“A repost without a date” has no publication date, so the two are set side by side in import order "
        "(earlier import on the left); which was written first is not known."
    )
    expect(page.locator(".compare-row.head")).to_contain_text("Undated, earlier import")
    assert "newer" not in page.locator("#compare").inner_text().lower()
    assert_accessible(page)
    assert problems == []


@pytest.fixture
def outlets(db, analyst, annotate):
    wire = SourceFactory(name="Valley Wire")
    courier = SourceFactory(name="Valley Courier", homepage="https://courier.example")
    unknown = SourceFactory(name=UNKNOWN_PUBLISHER, slug="unknown-publisher")
    original = ArticleFactory(
        publisher=wire, published_on=datetime.date(2025, 2, 3), paragraphs=[SHARED, "The wire says no more."]
    )
    repost = ArticleFactory(
        publisher=courier,
        original_source=wire,
        published_on=datetime.date(2025, 3, 4),
        paragraphs=[SHARED, "Some think the mayor will resign soon."],
    )
    orphan = ArticleFactory(publisher=unknown, paragraphs=[SHARED, "No one signed this."])
    # Sixteen more outlets with long names make the table wider than a half-screen window.
    for n in range(16):
        ArticleFactory(publisher=SourceFactory(name=f"The Regional Evening Chronicle of District {n}"))
    detection.detect([original.pk, repost.pk, orphan.pk])
    first, second = repost.paragraphs.order_by("position")
    annotate(first, SHARED, "reported_fact", reviewer=analyst)
    annotate(second, "Some think the mayor will resign soon.", "speculation", reviewer=analyst)
    return wire, courier


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sources_page_and_an_outlets_page(page: Page, live_server, analyst, outlets, problems, width):
    wire, courier = outlets
    _at(page, width)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{reverse('annotator:sources')}")

    table = page.locator(".sources-table")
    expect(table.locator("tbody th")).to_have_count(18)
    expect(table).not_to_contain_text(UNKNOWN_PUBLISHER)
    expect(page.locator(".sources-unknown")).to_contain_text(
        "1 article has no known publisher: it is left out"
    )
    # The table scrolls within its own box in a half-screen window; the page does not scroll sideways.
    assert _fits_the_window(page)
    box = page.locator(".table-scroll")
    overflows = box.evaluate("e => e.scrollWidth > e.clientWidth")
    assert overflows is (width == 800)
    if width == 800:
        box.focus()
        page.keyboard.press("End")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
        # The outlet names stay in view while the rest scrolls.
        name = table.locator("tbody th", has_text="Valley Courier")
        assert name.bounding_box()["x"] >= box.bounding_box()["x"] - 1
    assert_accessible(page)

    table.locator("tbody th").get_by_role("link", name="Valley Courier", exact=True).click()
    expect(page.locator("h1")).to_have_text("Valley Courier")
    expect(page.locator("section", has=page.locator("#copies-title"))).to_contain_text(
        "republishes Valley Wire × 1 article"
    )
    expect(page.locator(".outlet-months tbody th")).to_have_text(["March 2025"])
    expect(page.locator(".outlet-months svg.share-bar")).to_have_attribute(
        "aria-label", "Reported fact 69%, Speculation 31%"
    )
    expect(page.locator(".outlet-articles li")).to_have_count(1)
    assert _fits_the_window(page)
    assert_accessible(page)

    page.locator("#copies-title + ul").get_by_role("link", name="Valley Wire").first.click()
    expect(page.locator("h1")).to_have_text("Valley Wire")
    expect(page.locator("#copied-by-title + ul")).to_contain_text("Valley Courier republishes it × 1 article")
    expect(page.locator("#copied-by-title + ul")).to_contain_text("Valley Courier reuses its text")
    expect(page.locator("#copied-by-title + ul")).not_to_contain_text(UNKNOWN_PUBLISHER)
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_article_list_links_outlets_and_is_accessible(
    page: Page, live_server, analyst, outlets, problems, width
):
    _at(page, width)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{reverse('annotator:article-list')}")
    expect(page.locator("td .no-outlet")).to_have_text([UNKNOWN_PUBLISHER])
    assert_accessible(page)
    page.locator("td").get_by_role("link", name="Valley Wire", exact=True).click()
    expect(page.locator("h1")).to_have_text("Valley Wire")
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_history_reads_in_plain_words_with_the_time_on_hover(
    page: Page, live_server, analyst, article, labels, problems, width
):
    paragraph = article.paragraphs.get(position=1)
    span = spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=9, reviewer=analyst)
    span = spans.change(annotation=span, actor=analyst, version=1, label="speculation", note="hedged")
    span = spans.delete(annotation=span, actor=analyst, version=2)
    spans.undo(entry=AnnotationChange.objects.get(action="delete"), actor=analyst)
    _at(page, width)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{reverse('annotator:article-history', args=[article.pk])}")
    items = page.locator(".history-item > p")
    expect(items).to_have_text(
        [
            "alice undid a change: restored the span Speculation The mayor",
            "alice deleted the span Speculation The mayor",
            "alice changed the span Speculation The mayor",
            "alice created the span Attributed claim The mayor",
        ]
    )
    expect(page.locator(".history-item .diff li")).to_have_text(
        ["changed the label from Attributed claim to Speculation", "added the note hedged"]
    )
    time = page.locator(".history-item time").first
    expect(time).to_have_text("just now")
    stamp = AnnotationChange.objects.get(action="undo").created_at
    expect(time).to_have_attribute("title", f"{stamp:%-d %B %Y, %H:%M:%S} UTC")
    assert _fits_the_window(page)
    assert_accessible(page)
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_accept_all_has_an_undo_in_its_notice(
    page: Page, live_server, analyst, labels, settings, problems, width
):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    courier = SourceFactory(name="Valley Courier")
    article = ArticleFactory(publisher=courier, paragraphs=["The council met on Monday.", FOOTER, APPEAL])
    other = ArticleFactory(publisher=courier, paragraphs=["A storm hit the coast.", FOOTER, APPEAL])
    detection.detect([article.pk, other.pk])
    _at(page, width)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.evaluate("window.notReloaded = true")
    if width < 1024:  # narrow windows keep the panel, suggestions included, in a drawer
        page.get_by_role("button", name="Labels, spans and history").click()
    suggestions = page.locator("#boilerplate-suggestions")
    suggestions.get_by_role("button", name="Accept all 2").click()

    notice = page.locator("#notice")
    expect(notice.locator(".notice-text")).to_have_text("Tagged 2 passages as boilerplate.")
    expect(page.locator('mark[data-label="boilerplate"]')).to_have_count(2)
    assert Annotation.objects.live().count() == 2
    notice.get_by_role("button", name="Undo").click()

    expect(notice.locator(".notice-text")).to_have_text("Undone: 2 boilerplate spans removed.")
    expect(notice.get_by_role("button", name="Undo")).to_be_hidden()
    expect(page.locator('mark[data-label="boilerplate"]')).to_have_count(0)
    expect(suggestions.locator("blockquote")).to_have_text([FOOTER, APPEAL])
    assert Annotation.objects.live().count() == 0
    assert page.evaluate("window.notReloaded") is True
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admins_filter_leaves_the_article_list_usable(
    page: Page, live_server, staff, outlets, problems, width
):
    _at(page, width)
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")
    results = page.locator("#result_list")
    expect(results).to_be_visible()
    filters = page.locator("#changelist-filter")
    expect(filters).to_be_visible()
    # The filter never lies over the list's search bar, date links, action bar or the part of the table on
    # screen (its box scrolls sideways when the table is wider): it sits beside them or below.
    side = filters.bounding_box()
    for part in ("#toolbar", ".toplinks", ".actions", ".results"):
        box = page.locator(f"#changelist {part}").first.bounding_box()
        beside = box["x"] + box["width"] <= side["x"]
        below = side["y"] >= box["y"] + box["height"]
        assert beside or below, (part, box, side)
    if width == 800:
        # Not a sliver: the list has most of the window.
        assert page.locator(".results").bounding_box()["width"] >= 400
    # Each row's link can be clicked where it is drawn: nothing lies on top of it.
    for link in results.locator("tbody th a").all()[:3]:
        link.click(trial=True, timeout=2000)
    assert _fits_the_window(page)
    assert_accessible(page, context="#result_list")
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_provenance_page_links_its_outlets(page: Page, live_server, analyst, outlets, problems, width):
    wire, courier = outlets
    repost = courier.published_articles.get()
    _at(page, width)
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{reverse('annotator:provenance', args=[repost.pk])}")
    chain = page.locator(".chain-list")
    expect(chain.get_by_role("link", name="Valley Wire")).to_have_count(2)  # original source, text from
    expect(chain.get_by_role("link", name="Valley Courier")).to_have_count(1)
    assert_accessible(page)
    chain.get_by_role("link", name="Valley Courier").click()
    expect(page.locator("h1")).to_have_text("Valley Courier")
    assert problems == []
