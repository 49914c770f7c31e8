"""What the browser tests need from Django stays with them: later tests get its async guard back."""

from __future__ import annotations

import os

import pytest

GUARD = "DJANGO_ALLOW_ASYNC_UNSAFE"
OUTSIDE = os.environ.get(GUARD)  # as the shell set it, read when pytest collects this file


def test_a_test_beside_the_browser_tests_keeps_the_async_guard():
    assert os.environ.get(GUARD) == OUTSIDE


@pytest.mark.browser
def test_a_browser_test_lifts_it():
    assert os.environ.get(GUARD) == "true"


def test_the_browser_tests_run_after_all_others(request):
    marked = [item.get_closest_marker("browser") is not None for item in request.session.items]
    assert marked == sorted(marked)
