"""In a real browser: every page draws its charts and formulas, with no error anywhere.

AppTest cannot see a chart that fails to draw or a formula that KaTeX refuses: this can.
Screenshots land in tests/screenshots/ for a person to look at."""

from pathlib import Path

import pytest
from browser_support import console_errors, open_page, type_function, wait_until_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "screenshots"

VIEWS = [
    ("overview", "/", 2),
    ("derivative", "/derivative", 0),
    ("error", "/error", 1),
    ("curve", "/curve", 1),
    ("overview-inverse-square", "/?f=1/w%5E2&at=4", 2),
    ("error-sigmoid", "/error?f=sigmoid(w)&at=0", 1),
    ("curve-pole", "/curve?f=1/w&at=0.5", 1),
    ("lab", "/lab", 0),
    ("exercises", "/exercises?exercise=sigmoid", 0),
    ("chain-rule", "/chain-rule?f=(w*x%2Bb-y)%5E2&at=-2&value_x=2&value_b=8&value_y=1", 0),
]


def check_page(page, errors, charts: int):
    if charts:
        page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(charts - 1).wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".katex-error").count() == 0
    assert page.locator('[data-testid="stPlotlyChart"]').count() == charts
    drawn = page.locator(".js-plotly-plot .main-svg")
    # Each drawn plotly chart has at least one main-svg layer with plotted traces.
    assert drawn.count() >= charts
    for i in range(charts):
        assert page.locator(".js-plotly-plot").nth(i).locator(".scatterlayer .trace").count() > 0
    assert not errors, errors


@pytest.mark.parametrize(("name", "path", "charts"), VIEWS)
def test_page_draws_without_errors(browser, app_url, name, path, charts):
    page, errors = open_page(browser, app_url + path)
    try:
        check_page(page, errors, charts)
        if path == "/derivative":
            assert page.locator(".katex").count() >= 4
        if path.startswith("/exercises"):
            # The link opened the exercise it names: J = σ(w) written out by SymPy.
            assert "e^{- w}" in page.locator(".katex-mathml annotation").first.text_content()
        if path.startswith("/chain-rule"):
            graph = page.locator('[data-testid="stGraphVizChart"] svg')
            graph.wait_for(timeout=15000)
            # One node per operation: inputs w, x, b, y, the product, the sum, the square.
            assert page.locator('[data-testid="stGraphVizChart"] svg g.node').count() == 7
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    finally:
        page.close()


def test_typing_a_bad_function_shows_a_message_and_keeps_the_text(browser, app_url):
    page, errors = open_page(browser, app_url + "/")
    try:
        box = type_function(page, "sin(w")
        assert box.input_value() == "sin(w"
        assert "never closed" in page.locator('[data-testid="stAlert"]').first.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "f=sin" in page.url
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "bad-function.png"), full_page=True)
    finally:
        page.close()


def test_a_lab_example_opens_in_the_explorer_with_its_inputs(browser, app_url):
    page, _ = open_page(browser, app_url + "/lab")
    explorer_errors = []
    # The explorer opens in a new tab: listen to it from its first moment, before it loads.
    page.context.on("page", lambda tab: explorer_errors.append(console_errors(tab)))
    try:
        with page.context.expect_page() as opened:
            page.get_by_text("Open this example in the explorer").nth(5).click()
        explorer = opened.value
        wait_until_idle(explorer)
        # The boxes get the link's values with the page's first run: wait for them, not for idle.
        box = explorer.get_by_role
        expect(box("textbox", name="J(w) =")).to_have_value("1/w^2", timeout=60_000)
        expect(box("textbox", name="Point w =")).to_have_value("4", timeout=60_000)
        # The lab's own printout for its exercise, now on the overview.
        assert "-0.031238285155041345" in explorer.content()
        explorer.close()
        assert explorer_errors == [[]], explorer_errors
    finally:
        page.close()


def test_the_overview_prints_the_nudge_without_the_syntax_highlighter(browser, app_url):
    """The first page students open fetches no syntax highlighter (1.5 MB of JavaScript that a
    code block loads), and its printout shows the lab's numbers in a monospace font."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    scripts = []
    page.on("request", lambda request: scripts.append(request.url))
    try:
        page.goto(app_url + "/")
        wait_until_idle(page)
        page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(1).wait_for()
        assert not [url for url in scripts if "SyntaxHighlighter" in url]
        nudge = page.locator("pre.printout").first
        assert "k = (J(3 + 0.001) - J(3)) / 0.001 = 6.000999999999479" in nudge.inner_text()
        assert "monospace" in nudge.evaluate("e => getComputedStyle(e).fontFamily")
    finally:
        page.close()
