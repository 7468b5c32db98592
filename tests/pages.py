"""Opening the app's pages in AppTest, shared by the page tests."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = {
    "overview": "app_pages/overview.py",
    "derivative": "app_pages/derivative.py",
    "error": "app_pages/error.py",
    "curve": "app_pages/curve.py",
    "lab": "app_pages/lab.py",
    "exercises": "app_pages/exercises.py",
    "chain-rule": "app_pages/chain_rule.py",
}


def open_page(page: str = "overview", exercise: str | None = None, timeout: float = 60, **query):
    """The app opened with `query` (the sidebar's URL parameters) on `page` (a key of PAGES),
    with the exercise picked in its box (AppTest drops a page's own URL parameters when it
    switches page). Raises if any run showed an exception box."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params.update(query)
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    if exercise:
        at.selectbox(key="exercise").set_value(exercise).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def messages(at) -> str:
    """Every error, warning, info and success box on the page, as one text."""
    return " ".join(m.value for m in [*at.error, *at.warning, *at.info, *at.success])
