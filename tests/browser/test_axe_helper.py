"""The axe-core helper: it loads the vendored copy under the pages' CSP and reports its findings readably."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser.axe import assert_accessible, run_axe
from tests.browser.test_workbench_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_page_with_an_unlabelled_image_and_button_fails_with_each_finding_named(page: Page):
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<button></button></main></body></html>"
    )
    found = {violation["id"]: violation["impact"] for violation in run_axe(page)}
    assert found["image-alt"] == "critical"
    assert found["button-name"] == "critical"
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "[critical] image-alt: Images must have alternative text" in message
    assert "[critical] button-name: Buttons must have discernible text" in message
    assert "at button: <button></button>" in message


def test_axe_runs_under_the_strict_csp_without_a_refusal(page: Page, live_server, analyst, problems):
    log_in(page, live_server, analyst)
    page.goto(f"{live_server.url}{reverse('annotator:article-list')}")
    assert isinstance(run_axe(page), list)
    assert page.evaluate("() => window.axe.version") == "4.14.1"
    assert problems == []
