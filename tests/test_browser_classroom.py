"""In Chromium, as a class uses the app: accessibility (axe-core, WCAG 2.1 A/AA) at laptop and
phone size, plot text contrast and plots that follow the viewer's light or dark theme, and
messages rendered as text."""

import re
import subprocess

import pytest
from browser_support import (
    A11Y_PAGES,
    VIEWPORTS,
    axe_violations,
    boxes_intersect,
    open_page,
    type_function,
)

from derivcore.plot_theme import contrast_ratio

pytestmark = pytest.mark.browser

# Each chart's background (plotly paints it on its main SVG) and the fill of every text in it.
_PLOT_TEXT = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .map(chart => ({
    paper: getComputedStyle(chart.querySelector('.main-svg')).backgroundColor,
    fills: [...chart.querySelectorAll('text')].filter(t => t.textContent.trim())
        .map(t => [t.textContent.trim(), getComputedStyle(t).fill]),
}))"""


def _hex(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def _summary(violations):
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", A11Y_PAGES)
def test_every_page_has_no_wcag_violations(browser, app_url, path, size):
    page, errors = open_page(browser, app_url + path, *size)
    try:
        violations = axe_violations(page)
        assert not violations, _summary(violations)
        assert not errors, errors
    finally:
        page.close()


@pytest.mark.parametrize("path", A11Y_PAGES)
def test_every_page_has_no_wcag_violations_in_the_dark(browser, app_url, path):
    page, _ = open_page(browser, app_url + path, 1366, 768, dark=True)
    try:
        violations = axe_violations(page)
        assert not violations, _summary(violations)
    finally:
        page.close()


# Views whose plots carry coloured text: notes under the plot, the J′ axis.
PLOT_VIEWS = ["/", "/error?f=sigmoid(w)&at=0", "/curve?f=log(w)&at=0.05&eps=0.1", "/error"]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("path", PLOT_VIEWS)
def test_plot_text_is_readable_and_plots_follow_the_theme(browser, app_url, path, dark):
    page, _ = open_page(browser, app_url + path, 1366, 768, dark=dark)
    try:
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
        charts = page.evaluate(_PLOT_TEXT)
        assert charts
        for chart in charts:
            paper = _hex(chart["paper"])
            # A dark page gets dark plots (not white boxes), a light page light ones.
            assert (contrast_ratio(paper, "#000000") < 2) == dark, paper
            for text, fill in chart["fills"]:
                assert contrast_ratio(_hex(fill), paper) >= 4.5, (text, fill, paper)
    finally:
        page.close()


def test_a_product_hint_is_rendered_as_text_not_markdown(browser, app_url):
    page, errors = open_page(browser, app_url + "/")
    try:
        type_function(page, "abc")
        alert = page.locator('[data-testid="stAlert"]').first
        assert "write a*b*c" in alert.inner_text()
        assert alert.locator("em").count() == 0
        assert not errors, errors
    finally:
        page.close()


def test_a_long_pasted_formula_is_kept_and_its_length_explained(browser, app_url):
    page, errors = open_page(browser, app_url + "/")
    try:
        formula = "w^2+" * 80 + "w"
        box = type_function(page, formula)
        assert box.input_value() == formula
        assert "at most 300" in page.locator('[data-testid="stAlert"]').first.inner_text()
        assert not errors, errors
    finally:
        page.close()


# Elements of the main area wider than it, or cut by their own box (overflow hidden or scrolled).
# Left out: the screen-reader copies (KaTeX's MathML, visually hidden labels), the dataframes,
# which are grids that scroll by design, and the inside of a long formula's box, which scrolls
# sideways and takes keyboard focus (the box itself must still fit).
_OVERFLOWING = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const limit = main.getBoundingClientRect().right;
  const found = [];
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('[data-testid="stDataFrame"], .katex-mathml')) continue;
    const scrollBox = el.matches('.long-formula[tabindex="0"]');
    if (!scrollBox && el.closest('.long-formula[tabindex="0"]')) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden'
        || style.clipPath === 'inset(50%)') continue;
    const cut = !scrollBox && el.scrollWidth > el.clientWidth + 1
        && ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
    if (box.right > limit + 1 || cut) found.push(el.outerHTML.slice(0, 120));
  }
  return found;
}"""
LONG_DERIVATIVE = "/?f=sin(exp(w))*log(1%2Bw%5E2)/(1%2Btanh(w)%5E3)&at=0.7"
LONG_VIEWS = [
    "/?f=sin(w)%5E3*exp(w%5E2)/(1%2Bw%5E4)&at=1.5",
    LONG_DERIVATIVE,
    "/chain-rule?f=(w*x%2Bb-y)%5E2&at=-2&value_x=2&value_b=8&value_y=1",
]


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", A11Y_PAGES + LONG_VIEWS)
def test_nothing_in_the_main_area_is_cut_off(browser, app_url, path, size):
    page, _ = open_page(browser, app_url + path, *size)
    try:
        assert page.evaluate(_OVERFLOWING) == []
    finally:
        page.close()


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_long_derivative_is_stacked_at_full_size_in_a_box_the_keyboard_reaches(
    browser, app_url, size
):
    page, errors = open_page(browser, app_url + LONG_DERIVATIVE, *size)
    try:
        box = page.locator(".long-formula").filter(has_text="∂J")
        assert box.get_attribute("tabindex") == "0"
        source = box.locator('annotation[encoding="application/x-tex"]').text_content()
        # One term of the sum per line, in KaTeX's normal size (no \tiny, \small...).
        assert source.count(r"\\") == 2 and "aligned" in source
        assert not any(command in source for command in (r"\tiny", r"\scriptsize", r"\small"))
        box.focus()  # only an element that takes focus becomes the active one
        assert page.evaluate("document.activeElement.classList.contains('long-formula')")
        violations = axe_violations(page)
        assert not violations, _summary(violations)
        assert not errors, errors
    finally:
        page.close()


def test_on_a_phone_the_plot_toolbar_leaves_the_legend_readable(browser, app_url):
    query = "schemes=forward&schemes=central&dtypes=float64&dtypes=float32"
    page, errors = open_page(browser, f"{app_url}/error?{query}", 390, 844)
    try:
        chart = page.locator('[data-testid="stPlotlyChart"]').first
        chart.scroll_into_view_if_needed()
        chart.locator(".nsewdrag").first.hover()  # plotly shows its toolbar over a touched plot
        page.wait_for_timeout(300)
        legend = chart.locator(".legend").bounding_box()
        assert legend and legend["width"] > 100
        toolbar = chart.locator(".modebar").bounding_box()
        assert toolbar is None or not boxes_intersect(toolbar, legend), (toolbar, legend)
        assert not errors, errors
    finally:
        page.close()


def test_on_a_1280x720_projector_the_whole_error_plot_is_above_the_fold(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/error", 1280, 720)
    try:
        plot = page.locator('[data-testid="stPlotlyChart"] .main-svg').first.bounding_box()
        assert page.evaluate("window.scrollY") == 0
        assert plot["y"] + plot["height"] <= 720, plot
        assert not errors, errors
    finally:
        page.close()


# A link copied from each page, opened in a fresh browser: the page's own options come back.
def test_an_error_page_link_restores_its_options(browser, app_url):
    query = (
        "schemes=forward&schemes=central&dtypes=float32&error_kind=relative+error"
        "&show_model=false&show_exact=true&step_trick=true"
    )
    page, errors = open_page(browser, f"{app_url}/error?{query}")
    try:
        # (The page may still be re-running as the URL-bound widgets sync: wait for the chips.)
        page.locator('[data-testid="stMultiSelect"] [title="float32"]').wait_for()
        chips = page.locator('[data-testid="stMultiSelect"] [title]').all_inner_texts()
        assert [chip for chip in chips if chip] == ["forward", "central", "float32"]
        assert page.get_by_role("radio", name="relative error").is_checked()
        assert not page.get_by_label("Error model (dashed)").is_checked()
        assert page.get_by_label("Exact arithmetic (no floating point)").is_checked()
        assert page.get_by_label("Step trick h′ = (w + h) − w").is_checked()
        assert not errors, errors
    finally:
        page.close()


def test_a_derivative_page_link_restores_its_options(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/derivative?order=4&points=1%2C+2")
    try:
        assert page.get_by_role("slider", name="Order n").input_value() == "4"
        box = page.get_by_role("textbox", name="Points (separated by commas)")
        assert box.input_value() == "1, 2"
        assert not errors, errors
    finally:
        page.close()


def test_a_curve_page_link_restores_its_options(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/curve?show_derivative=true&curve_eps=0.5")
    try:
        assert page.get_by_label("Show J′(w)").is_checked()
        assert page.get_by_role("radio", name="0.5", exact=True).is_checked()
        assert "secant for ε = 0.5" in page.locator('[data-testid="stPlotlyChart"]').inner_text()
        assert not errors, errors
    finally:
        page.close()


def _decoded_qr(page, image, tmp_path) -> str:
    png = page.request.get(image.get_attribute("src")).body()
    (tmp_path / "qr.png").write_bytes(png)
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(tmp_path / "qr.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_share_panel_qr_code_decodes_to_the_link_of_the_view(browser, app_url, tmp_path):
    view = f"{app_url}/error?schemes=forward&schemes=central&dtypes=float32&present=true"
    page, errors = open_page(browser, view, 1280, 720)
    try:
        page.get_by_text("Share this view").click()
        small = page.locator('[data-testid="stSidebar"] img[alt^="QR code of"]')
        small.wait_for()
        assert _decoded_qr(page, small, tmp_path) == page.url
        assert "present=true" in page.url and "dtypes=float32" in page.url
        # For the back of the hall: the large code, whole on a 1280×720 projector.
        page.get_by_role("button", name="Show the QR code large").click()
        large = page.locator('[role="dialog"] img[alt^="QR code of"]')
        large.wait_for()
        box = large.bounding_box()
        assert box["width"] >= 400 and box["y"] + box["height"] <= 720
        assert _decoded_qr(page, large, tmp_path) == page.url
        # Presentation mode: the page's type is larger than the 16 px default.
        size = page.evaluate("getComputedStyle(document.documentElement).fontSize")
        assert float(size.rstrip("px")) >= 20
        assert not errors, errors
    finally:
        page.close()
