"""Figures: the right traces with the right names, axes, markers and notes, valid for the browser.

Expected numbers are hand-derived (J′ of w² at 3 is 6; the lab's k) or come from the sweep the
figure is built from, which has its own tests.
"""

import base64
import json
import math

import numpy as np
import pytest
import sympy

from derivcore.figures import OKABE_ITO, curve_figure

w = sympy.Symbol("w", real=True)


def strict_json(fig) -> dict:
    """fig.to_json() parsed refusing NaN/Infinity, which plotly.js cannot read (null is fine)."""

    def refuse(token):
        raise ValueError(f"{token} in figure JSON")

    return json.loads(fig.to_json(), parse_constant=refuse)


def trace(fig, prefix: str):
    matches = [t for t in fig.data if t.name and t.name.startswith(prefix)]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def note_texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def readable(fig) -> None:
    """Projector-readable: fonts at least 14 px, lines at least 2 px."""
    assert fig.layout.font.size >= 14
    for t in fig.data:
        if t.mode and "lines" in t.mode:
            assert t.line.width >= 2, t.name


# --- the curve figure ---------------------------------------------------------------------


def test_curve_figure_of_the_labs_first_example():
    fig = curve_figure(w**2, "w", 3, 0.001)
    names = [t.name for t in fig.data]
    assert names == [
        "J(w)",
        "tangent at w = 3: slope J′ = 6",
        "secant for ε = 0.001: slope k = 6.001",  # (3.001² − 9)/0.001 = 6.001
        "(w, J(w)) at w = 3",
        "(w + ε, J(w + ε))",
    ]
    assert fig.layout.xaxis.title.text == "w"
    assert fig.layout.yaxis.title.text == "J(w)"
    assert tuple(fig.layout.xaxis.range) == (1.0, 5.0)  # default window 3 ± 2
    point = trace(fig, "(w, J(w))")
    assert (point.x[0], point.y[0]) == (3.0, 9.0)
    step = trace(fig, "(w + ε")
    assert step.x[0] == 3.001
    assert step.y[0] == 3.001**2
    readable(fig)
    strict_json(fig)


def test_curve_figure_secant_at_the_labs_tiny_eps_shows_the_labs_k():
    fig = curve_figure(w**2, "w", 3, 1e-9)
    assert trace(fig, "secant").name == "secant for ε = 1e-09: slope k = 6.000000496"


def test_tangent_and_secant_lines_have_the_right_slopes():
    fig = curve_figure(1 / w, "w", 2, 0.5, lo=1, hi=3)
    tangent = trace(fig, "tangent")
    slope = np.diff(tangent.y[[0, -1]]) / np.diff(tangent.x[[0, -1]])
    assert slope[0] == pytest.approx(-0.25, rel=1e-12)  # −1/w² at 2
    secant = trace(fig, "secant")
    slope = np.diff(secant.y[[0, -1]]) / np.diff(secant.x[[0, -1]])
    assert slope[0] == pytest.approx((1 / 2.5 - 1 / 2) / 0.5, rel=1e-12)  # −0.2
    assert "slope k = -0.2" in secant.name


def test_window_given_by_the_caller_is_used():
    fig = curve_figure(w**2, "w", 3, 0.1, lo=-4, hi=4)
    assert tuple(fig.layout.xaxis.range) == (-4.0, 4.0)
    curve = trace(fig, "J(w)")
    assert min(curve.x) == -4 and max(curve.x) == 4


def test_y_range_ignores_the_pole_but_shows_the_point():
    fig = curve_figure(1 / w, "w", 0.5, 0.1, lo=-2, hi=2)
    lo, hi = fig.layout.yaxis.range
    assert lo < -1 and hi > 2  # J(0.5) = 2 is shown, both branches too
    assert hi - lo < 100  # ... but not the ±10⁴ spikes next to the pole
    curve = trace(fig, "J(w)")
    assert np.nanmax(np.abs(np.asarray(curve.y, dtype=float))) > 500  # 1/w at w ≈ ±0.001


def test_y_range_of_a_constant_is_not_empty():
    lo, hi = curve_figure(sympy.Integer(3), "w", 0, 0.1).layout.yaxis.range
    assert lo < 3 < hi


def test_curve_figure_with_the_derivative_on_a_second_axis():
    fig = curve_figure(w**3, "w", 2, 0.01, show_derivative=True)
    slopes = trace(fig, "J′(w)")
    assert slopes.yaxis == "y2"
    np.testing.assert_allclose(slopes.y, 3 * np.asarray(slopes.x) ** 2, rtol=1e-12)
    assert fig.layout.yaxis2.title.text == "J′(w)"
    assert fig.layout.yaxis2.overlaying == "y"
    strict_json(fig)


def test_curve_figure_uses_the_variable_name():
    x = sympy.Symbol("x", real=True)
    fig = curve_figure(sympy.sin(x), "x", 0, 0.1)
    assert fig.layout.xaxis.title.text == "x"
    assert fig.layout.yaxis.title.text == "J(x)"
    assert trace(fig, "tangent").name == "tangent at x = 0: slope J′ = 1"


def test_curve_figure_with_other_variables_uses_their_values():
    a = sympy.Symbol("a", real=True)
    fig = curve_figure(a * w**2, "w", 1, 0.5, values={"a": 3})
    assert trace(fig, "tangent").name.endswith("slope J′ = 6")  # 2·a·w = 6
    assert trace(fig, "(w, J(w))").y[0] == 3


def test_no_tangent_at_a_kink_says_so():
    fig = curve_figure(sympy.Abs(w), "w", 0, 0.1)
    assert not [t for t in fig.data if t.name.startswith("tangent")]
    assert "No tangent: J is not differentiable at w = 0" in note_texts(fig)
    assert trace(fig, "secant").name.endswith("slope k = 1")  # (|0.1| − 0)/0.1


def test_undefined_point_says_so_and_draws_no_point():
    fig = curve_figure(sympy.log(w), "w", -1, 0.1)
    assert [t.name for t in fig.data] == ["J(w)"]
    assert "J is not defined at w = -1: no point, tangent or secant" in note_texts(fig)
    strict_json(fig)


def test_no_secant_when_the_step_leaves_the_domain():
    fig = curve_figure(sympy.log(w), "w", 0.05, -0.1)
    assert not [t for t in fig.data if t.name.startswith("secant")]
    assert any(text.startswith("No secant") for text in note_texts(fig))


def test_gaps_reach_the_browser_as_nan_in_a_typed_array():
    # plotly sends numpy arrays as base64 typed arrays; plotly.js breaks the line at a NaN there.
    fig = curve_figure(sympy.tan(w), "w", 1, 0.1, lo=-1, hi=3)
    y = strict_json(fig)["data"][0]["y"]
    assert y["dtype"] == "f8"
    values = np.frombuffer(base64.b64decode(y["bdata"]), dtype="<f8")
    assert np.isnan(values).sum() == 1  # the pole at π/2


def test_compact_curve_figure():
    fig = curve_figure(w**2, "w", 3, 0.001, compact=True)
    assert fig.layout.height <= 340
    assert [t.name for t in fig.data if t.showlegend is not False] == [
        "J(w)",
        "tangent: slope J′ = 6",
        "secant: slope k = 6.001",
    ]
    readable(fig)


def test_curve_colours_are_colour_blind_safe():
    fig = curve_figure(w**2, "w", 3, 0.1, show_derivative=True)
    for t in fig.data:
        colour = t.line.color if "lines" in t.mode else t.marker.color
        assert colour.upper() in OKABE_ITO, t.name


def test_curve_figure_handles_absurd_input_without_raising():
    fig = curve_figure(sympy.exp(sympy.exp(w)), "w", 10, 1e-3)
    strict_json(fig)
    assert not math.isnan(fig.layout.xaxis.range[0])
