"""Opening the app's pages in AppTest, and reading what they show, shared by the page tests.

Every test starts with empty Streamlit caches (tests/conftest.py), so a page opened here
computes what a fresh server would."""

import html
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

# ui.printout's block, as st.html receives it.
_PRINTOUT = re.compile(r'<pre class="printout">(.*)</pre>', re.DOTALL)
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
# The four pages that explore one function (the others teach from their own examples).
EXPLORER = ["overview", "derivative", "error", "curve"]


def open_page(
    page: str = "overview",
    exercise: str | None = None,
    timeout: float = 60,
    session: dict | None = None,
    **query,
):
    """The app opened with `query` (the sidebar's URL parameters) on `page` (a key of PAGES),
    with the exercise picked in its box (AppTest drops a page's own URL parameters when it
    switches page) and `session` set in its session state first (a panel already open, ...).
    Raises if any run showed an exception box."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params.update(query)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    if exercise:
        at.selectbox(key="exercise").set_value(exercise).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def switch_to(at, page: str):
    """`at` switched to `page` (a key of PAGES), keeping the sidebar's inputs."""
    return at.switch_page(PAGES[page]).run()


def messages(at) -> str:
    """Every error, warning, info and success box on the page, as one text."""
    return " ".join(m.value for m in [*at.error, *at.warning, *at.info, *at.success])


def latex_text(at) -> str:
    """Every formula on the page (st.latex), as one text."""
    return " ".join(e.value for e in at.latex)


def code_text(at) -> str:
    """Every code block (st.code) and printout (ui.printout: the nudge) on the page."""
    printouts = (_PRINTOUT.fullmatch(h.value) for h in at.html)
    return "\n".join(
        [c.value for c in at.code] + [html.unescape(m.group(1)) for m in printouts if m]
    )


def markdown_text(at) -> str:
    """Every Markdown element on the page, as one text."""
    return " ".join(m.value for m in at.markdown)
