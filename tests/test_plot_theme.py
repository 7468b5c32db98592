"""Plot themes: WCAG contrast, text made readable, figures recoloured for light and dark and
enlarged for a projector."""

import pytest
import sympy

from derivcore.error_figure import error_figure
from derivcore.figures import curve_figure
from derivcore.plot_theme import DARK, LIGHT, contrast_ratio, plot_theme, readable
from derivcore.sweep import default_eps_grid, error_sweep

w = sympy.Symbol("w", real=True)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [
        ("#000000", "#FFFFFF", 21.0),  # (1 + 0.05) / (0 + 0.05)
        ("#FFFFFF", "#FFFFFF", 1.0),
        # WCAG's own borderline grey: #767676 passes 4.5:1 on white, #777777 does not.
        ("#767676", "#FFFFFF", 4.54),
        ("#777777", "#FFFFFF", 4.48),
    ],
)
def test_contrast_ratio_matches_wcag(a, b, ratio):
    assert contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(b, a) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("background", [LIGHT.background, DARK.background])
@pytest.mark.parametrize("colour", ["#D55E00", "#CC79A7", "#0072B2", "#E69F00", "#56B4E9"])
def test_readable_reaches_4_5_and_keeps_a_colour_that_already_does(colour, background):
    result = readable(colour, background)
    assert contrast_ratio(result, background) >= 4.5
    if contrast_ratio(colour, background) >= 4.5:
        assert result == colour


def _text_colours(fig):
    """Every text colour a figure sets, with where it is."""
    layout = fig.to_plotly_json()["layout"]
    found = [("font", layout["font"]["color"]), ("legend", layout["legend"]["font"]["color"])]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            found.append((key, axis["tickfont"]["color"]))
            found.append((key + " title", axis["title"]["font"]["color"]))
    found += [(a["text"][:30], a["font"]["color"]) for a in layout.get("annotations", [])]
    return layout["paper_bgcolor"], found


@pytest.fixture(scope="module")
def sigmoid_sweep():
    # sigmoid at 0: J′′(0) = 0, so the figures carry notes in colour.
    sigmoid = 1 / (1 + sympy.exp(-w))
    return error_sweep(sigmoid, "w", 0.0, default_eps_grid(), ("forward", "central"), ("float64",))


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_every_text_in_the_figures_has_4_5_contrast(theme, sigmoid_sweep):
    figures = [
        curve_figure(sympy.log(w), "w", 0.05, 0.1, show_derivative=True, theme=theme),
        curve_figure(sympy.log(w), "w", -1, 0.1, theme=theme),  # a note: no J(-1)
        error_figure(sigmoid_sweep, 1e-3, kind="rel", theme=theme),
        error_figure(sigmoid_sweep, 1e-3, compact=True, theme=theme),
    ]
    for fig in figures:
        paper, colours = _text_colours(fig)
        assert paper == theme.background
        for where, colour in colours:
            assert contrast_ratio(colour, paper) >= 4.5, (where, colour)


def test_the_dark_theme_has_no_black_lines(sigmoid_sweep):
    fig = error_figure(sigmoid_sweep, 1e-3, theme=DARK)
    for trace in fig.to_plotly_json()["data"]:
        for part in ("line", "marker"):
            colour = trace.get(part, {}).get("color")
            colours = colour if isinstance(colour, list) else [colour]
            assert "#000000" not in colours, trace.get("name")


def test_presentation_mode_enlarges_type_and_plots():
    normal = curve_figure(w**2, "w", 3, 0.001, compact=True)
    big = curve_figure(w**2, "w", 3, 0.001, compact=True, theme=plot_theme(None, True))
    assert big.layout.height >= 1.4 * normal.layout.height - 1
    assert big.layout.font.size >= 1.4 * normal.layout.font.size - 1
    assert big.layout.legend.font.size >= 16  # 12 px legends are unreadable on a projector


def test_plot_theme_follows_streamlits_theme_type():
    assert plot_theme("dark") == DARK
    assert plot_theme("light") == LIGHT
    assert plot_theme(None) == LIGHT  # before the browser has reported its theme
