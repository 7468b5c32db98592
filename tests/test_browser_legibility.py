"""In Chromium, what a projector or a dark room shows: the chain rule's graph readable on a dark
page, the plot toolbar clear of the legend, and the error plot whole on a projector in
presentation mode."""

import re

import pytest
from browser_support import axe_violations, boxes_intersect, open_page, wait_until_idle

pytestmark = pytest.mark.browser


def _rgb(css: str) -> tuple[int, int, int]:
    """'rgb(r, g, b)', 'rgba(…)' or '#RRGGBB' as three 0-255 integers."""
    if css.startswith("#"):
        return tuple(int(css[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])


def _wcag_contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio, written out here from the standard (not the app's own code):
    L = 0.2126 R + 0.7152 G + 0.0722 B over linearised sRGB channels, ratio (L1+0.05)/(L2+0.05)."""

    def luminance(rgb):
        linear = [
            c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
            for c in rgb
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# The page's own background behind the graph (the graph's is transparent), and the fill of every
# edge label Graphviz drew.
_GRAPH_TEXT = """() => {
  const svg = document.querySelector('[data-testid="stGraphVizChart"] svg');
  let el = svg, background = 'rgba(0, 0, 0, 0)';
  while (el && /rgba\\(.*, 0\\)|transparent/.test(background)) {
    background = getComputedStyle(el).backgroundColor; el = el.parentElement;
  }
  return {
    background,
    edges: [...svg.querySelectorAll('g.edge text')]
        .map(t => [t.textContent, t.getAttribute('fill') || getComputedStyle(t).fill]),
  };
}"""


def test_in_the_dark_the_chain_rule_graph_labels_are_readable(browser, app_url):
    page, errors = open_page(browser, app_url + "/chain-rule?f=(w*x%2Bb-y)%5E2", dark=True)
    try:
        page.locator('[data-testid="stGraphVizChart"] svg g.edge text').first.wait_for()
        drawn = page.evaluate(_GRAPH_TEXT)
        background = _rgb(drawn["background"])
        assert sum(background) < 3 * 60, drawn["background"]  # the page really is dark
        assert len(drawn["edges"]) >= 4
        for text, fill in drawn["edges"]:
            assert _wcag_contrast(_rgb(fill), background) >= 4.5, (text, fill, background)
        violations = axe_violations(page)
        assert not violations, [
            (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations
        ]
        assert not errors, errors
    finally:
        page.close()


# Every page whose plots have a legend; the error page with four curves has the longest one.
LEGEND_VIEWS = [
    "/",
    "/error",
    "/error?schemes=forward&schemes=central&dtypes=float64&dtypes=float32",
    "/curve?show_derivative=true",
]


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", LEGEND_VIEWS)
def test_on_a_desktop_the_plot_toolbar_leaves_the_legend_readable(browser, app_url, path, size):
    page, errors = open_page(browser, app_url + path, *size)
    try:
        charts = page.locator('[data-testid="stPlotlyChart"]')
        charts.locator(".legend").first.wait_for()  # plotly may draw it after the plot's SVG
        legends = 0
        for i in range(charts.count()):
            chart = charts.nth(i)
            if not chart.locator(".legend").count():
                continue
            legends += 1
            chart.scroll_into_view_if_needed()
            chart.locator(".nsewdrag").first.hover()  # plotly shows its toolbar on hover
            chart.locator(".modebar").wait_for()
            legend = chart.locator(".legend").bounding_box()
            toolbar = chart.locator(".modebar").bounding_box()
            assert legend["width"] > 100 and toolbar["width"] > 50
            assert not boxes_intersect(toolbar, legend), (i, toolbar, legend)
        assert legends
        assert not errors, errors
    finally:
        page.close()


# A 1920×1080 projector at 1.5× shows 1280×720 CSS pixels, drawn with 1.5 device pixels each.
@pytest.mark.parametrize(
    "size", [(1280, 720, 1), (1280, 720, 1.5)], ids=["1280x720", "1920x1080@1.5"]
)
def test_in_presentation_mode_the_whole_error_plot_fits_a_projector(browser, app_url, size):
    width, height, scale = size
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
    try:
        page.goto(app_url + "/error?present=true")
        wait_until_idle(page)
        # Presentation type is on (22 px root), else this would test the normal plot.
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "22px"
        plot = page.locator('[data-testid="stPlotlyChart"] .main-svg').first
        plot.evaluate("el => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        box = plot.bounding_box()
        viewport = page.evaluate("window.innerHeight")
        header = page.locator('[data-testid="stHeader"]').bounding_box()
        header_height = header["height"] if header else 0
        # The whole plot, the V's bottom included, shows below Streamlit's header at once.
        assert box["height"] + header_height <= viewport, (box, header_height, viewport)
        assert box["y"] + box["height"] <= viewport, (box, viewport)
    finally:
        page.close()


def test_in_presentation_mode_the_chain_rule_presets_are_not_cut_off(browser, app_url):
    page, errors = open_page(browser, app_url + "/chain-rule?present=true", 1280, 720)
    try:
        labels = page.locator('[data-testid="stButton"] button [data-testid="stMarkdownContainer"]')
        assert labels.count() >= 3
        cut = labels.evaluate_all(
            "els => els.filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.innerText)"
        )
        assert cut == []
        assert not errors, errors
    finally:
        page.close()
