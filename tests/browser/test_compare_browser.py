"""The compare page and the transfer in a browser: the seeds, and a reused passage of the PAN 2013 sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from annotator.models import Annotation, AnnotationChange
from articles import detection
from articles.importers import import_bytes, import_file
from tests.browser.test_workbench_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HIGHWAY = "cutting off the Homs-Al-Salamiyah-Palmyra highway"


def _compare(page: Page, live_server, a, b) -> None:
    page.goto(f"{live_server.url}{reverse('annotator:compare', args=[a.pk, b.pk])}")


def test_the_seeds_compared_and_a_span_carried_onto_the_edit(
    page: Page, live_server, analyst, annotate, seed_paths, problems
):
    first, second = (import_file(path).articles[0] for path in seed_paths)
    detection.detect([first.pk, second.pk])
    annotate(
        first.paragraphs.get(text__startswith="The tactical goal"), HIGHWAY, "speculation", reviewer=analyst
    )
    log_in(page, live_server, analyst)
    _compare(page, live_server, second, first)

    expect(page.locator(".compare-summary")).to_have_text("1 reused passage: 1 edited.")
    expect(page.locator(".compare-passages li")).to_contain_text("edited, 88% alike: older ¶1–6")
    highway = page.locator(f"#o{first.paragraphs.get(text__startswith='The tactical goal').pk}")
    expect(highway.locator("del.mk.deleted")).to_have_text("Al-Salamiyah")
    added = second.paragraphs.get(text__startswith="The terrorist group claim")
    expect(page.locator(f"#n{added.pk}")).to_be_visible()
    expect(page.locator(f"#n{added.pk} .mk")).to_have_count(0)
    # Hovering reused text lights the same passage on the other side.
    page.locator(f"#n{second.paragraphs.get(position=1).pk} .mk.same").first.hover()
    expect(page.locator(f"#o{first.paragraphs.get(position=0).pk} .mk.same.lit").first).to_be_visible()

    page.get_by_role("link", name="Older → newer: preview").click()
    preview = page.locator("#transfer-preview")
    expect(preview).to_contain_text("Transfers onto edited text")
    expect(preview).to_contain_text("Lands on cutting off the Homs-Palmyra highway")
    preview.get_by_role("button", name="Transfer the checked spans").click()
    expect(page.locator(".transfer-result")).to_contain_text("Transferred 1 span to")
    created = Annotation.objects.get(article=second)
    assert (created.quote, created.label.slug) == ("cutting off the Homs-Palmyra highway", "speculation")
    assert AnnotationChange.objects.get(annotation=created).action == "transfer"
    assert problems == []


# A verbatim copy of two paragraphs of the source into one paragraph of the suspicious document.
PAN_PAIR = ("src/source-document00634.txt", "susp/suspicious-document00114.txt")


def _import_plain_text(path: Path):
    text = path.read_text(encoding="utf-8")
    [article] = import_bytes(f"{path.stem}\n\n{text}".encode(), name=path.name, format="text").articles
    return article


def test_a_pan13_passage_across_paragraphs_is_marked_on_both_sides_and_carries_a_span(
    page: Page, live_server, analyst, annotate, shared_dir, problems
):
    corpus = shared_dir / "corpus" / "pan13-dev"
    source, suspicious = (_import_plain_text(corpus / name) for name in PAN_PAIR)
    detection.detect([source.pk, suspicious.pk])
    log_in(page, live_server, analyst)
    _compare(page, live_server, suspicious, source)

    expect(page.locator(".compare-summary")).to_have_text("1 reused passage: 1 verbatim.")
    expect(page.locator(".compare-passages li")).to_contain_text(
        "verbatim, 100% alike: undated, earlier import ¶4–5"
    )
    first, second = (source.paragraphs.get(position=n) for n in (3, 4))
    start = "In line with established Internet usage"
    expect(page.locator(f"#o{first.pk} .mk.same").first).to_contain_text(start)
    expect(page.locator(f"#o{second.pk} .mk.same").first).to_be_visible()
    target = page.locator(f"#n{suspicious.paragraphs.get().pk}")
    expect(target.locator(".mk.same")).to_contain_text(start)
    # Only the reused stretch of the long suspicious paragraph is marked, not the whole paragraph.
    marked = target.locator(".mk.same").inner_text()
    assert len(marked) < len(suspicious.paragraphs.get().text) / 4

    # A span at the end of the passage's first source paragraph lands inside the suspicious paragraph,
    # whose lines were re-flowed: the transfer matches words, not line breaks.
    annotate(first, HYPERLINK, "attributed_claim", reviewer=analyst)
    page.reload()
    # Neither document is dated, so the sides are named by import order.
    page.get_by_role("link", name="Undated, earlier import → undated, later import: preview").click()
    preview = page.locator("#transfer-preview")
    expect(preview).to_contain_text("any external website may provide a")
    preview.get_by_role("button", name="Transfer the checked spans").click()
    expect(page.locator(".transfer-result")).to_contain_text("Transferred 1 span to")
    created = Annotation.objects.get(article=suspicious)
    paragraph = suspicious.paragraphs.get()
    assert created.quote == paragraph.text[created.start : created.end]
    assert " ".join(created.quote.split()) == HYPERLINK
    assert created.label.slug == "attributed_claim"
    assert problems == []


HYPERLINK = "any external website may provide a hyperlink to the IPCC website or to any of its pages"
