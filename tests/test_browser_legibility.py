"""In Chromium, what a projector or a dark room shows: the chain rule's graph readable on a dark
page, the plot toolbar clear of the legend, and the error plot whole on a projector in
presentation mode."""

import re

import pytest
from browser_support import axe_violations, open_page

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
