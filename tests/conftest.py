"""Shared test set-up: the repo root on sys.path, fresh Streamlit caches for every test, overruns
that do not depend on the machine's load, and the app and Chromium for the browser tests
(tests/browser_support.py)."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    """Every test starts with empty Streamlit caches, as on a fresh server. Where no test has
    loaded Streamlit yet there is nothing to clear (and pure derivcore tests never load it)."""
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()
    yield


@pytest.fixture(autouse=True)
def overruns_not_judged_by_load(monkeypatch):
    """derivcore.bounded blames an overrun on a busy machine when the worker got under half its
    limit in processor time. This machine is shared, so every test of a slow input would pass or
    fail with the load: in tests an overrun is the input's, except in the tests of that rule
    (`starvation_judged` in tests/test_bounded.py)."""
    from derivcore import bounded

    monkeypatch.setattr(bounded, "_STARVED_SHARE", 0.0)


@pytest.fixture(scope="module")
def app_url():
    """The app served on a free local port for a module's browser tests; its base URL."""
    from browser_support import running_app

    with running_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright, for a module's browser tests."""
    from browser_support import chromium

    with chromium() as launched:
        yield launched
