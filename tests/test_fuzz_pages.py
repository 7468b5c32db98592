"""Fuzz: generated hostile functions at hostile points, on every page, in AppTest.

No run may show an exception box, and every page must finish within its budget. The seed and size
keep CI short (about a minute); `bench/fuzz_pages.py --count 200` runs the same check longer.
"""

import time

import pytest
from fuzz_inputs import cases
from pages import PAGES, open_page

from derivcore.bounded import default_timeout, wait_until_ready

SEED, COUNT = 20261201, 8
PAGE_BUDGET = 2 * default_timeout() + 4.0  # as in test_hardening: two bounded waits + the script


@pytest.fixture(scope="module", autouse=True)
def _server_started():
    wait_until_ready()
    open_page("overview")


@pytest.mark.parametrize("query", cases(SEED, COUNT), ids=lambda q: f"{q['f']}@{q['at']}")
def test_generated_input_never_shows_an_exception_and_finishes_in_time(query):
    for page in PAGES:
        start = time.monotonic()
        open_page(page, **query)  # asserts that no run showed an exception box
        assert time.monotonic() - start < PAGE_BUDGET, page
