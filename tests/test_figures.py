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

from derivcore.error_figure import SCHEME_COLOURS, error_figure
from derivcore.figures import OKABE_ITO, curve_figure
from derivcore.sweep import default_eps_grid, error_sweep

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


def notes(fig) -> str:
    """All text written on the figure, line breaks as spaces."""
    return " ".join(a.text.replace("<br>", " ") for a in fig.layout.annotations)


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
    assert "No tangent: J is not differentiable at w = 0" in notes(fig)
    assert trace(fig, "secant").name.endswith("slope k = 1")  # (|0.1| − 0)/0.1


def test_undefined_point_says_so_and_draws_no_point():
    fig = curve_figure(sympy.log(w), "w", -1, 0.1)
    assert [t.name for t in fig.data] == ["J(w)"]
    assert "J is not defined at w = -1: no point, tangent or secant" in notes(fig)
    strict_json(fig)


def test_no_secant_when_the_step_leaves_the_domain():
    fig = curve_figure(sympy.log(w), "w", 0.05, -0.1)
    assert not [t for t in fig.data if t.name.startswith("secant")]
    assert "No secant: J(w + ε) is not defined for ε = -0.1" in notes(fig)


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
    fig = curve_figure(sympy.exp(sympy.exp(w)), "w", 10, 1e-3)  # e^(e^10) overflows
    strict_json(fig)
    assert not math.isnan(fig.layout.xaxis.range[0])
    huge = curve_figure(w, "w", 1.7e308, 1e-3)  # near the largest double: the window is clipped
    lo, hi = huge.layout.xaxis.range
    assert math.isfinite(lo) and math.isfinite(hi) and lo < 1.7e308 <= hi
    assert "Nothing to draw" in notes(huge)
    strict_json(huge)


def test_no_secant_for_a_zero_step():
    fig = curve_figure(w**2, "w", 3, 0)
    assert "No secant for ε = 0: a secant needs two different points" in notes(fig)


# --- the error figure ---------------------------------------------------------------------

# A short grid keeps the sweeps cheap; 0.5 and 0.25 are in it so that central differences on w²
# are exact: (3.5² − 2.5²)/(2·0.5) = 6 and (3.25² − 2.75²)/(2·0.25) = 6, error exactly 0.
EPS = np.unique(np.concatenate([np.logspace(-20, 0, 81), [0.5, 0.25]]))


@pytest.fixture(scope="module")
def lab_sweep():
    """w² at 3: forward and central, float64 and float32."""
    return error_sweep(w**2, "w", 3, EPS, ("forward", "central"), ("float64", "float32"))


@pytest.fixture(scope="module")
def forward_sweep():
    return error_sweep(w**2, "w", 3, EPS, ("forward",), ("float64",))


def by_name(fig, name: str):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def test_one_line_per_scheme_and_precision(lab_sweep):
    fig = error_figure(lab_sweep)
    for scheme, label in (("forward", "forward"), ("central", "central")):
        for dtype in ("float64", "float32"):
            line = by_name(fig, f"{label}, {dtype}")
            assert line.line.color == SCHEME_COLOURS[scheme]
            np.testing.assert_array_equal(line.x, EPS)
            # hover carries k itself
            np.testing.assert_array_equal(line.customdata, lab_sweep.estimate(scheme, dtype))
    # precision by marker shape too, not colour alone
    assert by_name(fig, "forward, float32").marker.symbol == "square"
    assert "markers" not in by_name(fig, "forward, float64").mode


def test_single_precision_names_only_the_scheme(forward_sweep):
    fig = error_figure(forward_sweep)
    line = by_name(fig, "forward")
    error = forward_sweep.abs_error("forward", "float64")
    np.testing.assert_array_equal(line.y, np.where(error > 0, error, np.nan))


def test_axes_are_log_and_labelled(lab_sweep):
    fig = error_figure(lab_sweep)
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text == "step ε"
    assert fig.layout.yaxis.title.text == "|k − J′(w)|"
    assert tuple(fig.layout.xaxis.range) == (-20.0, 0.0)  # log10 of the grid's ends
    relative = error_figure(lab_sweep, kind="rel")
    assert relative.layout.yaxis.title.text == "|k − J′(w)| / |J′(w)|"
    np.testing.assert_array_equal(
        by_name(relative, "forward, float64").y, lab_sweep.rel_error("forward", "float64")
    )
    with pytest.raises(ValueError):
        error_figure(lab_sweep, kind="squared")


def test_axis_title_uses_the_variable_name():
    x = sympy.Symbol("x", real=True)
    sweep = error_sweep(sympy.sin(x), "x", 1, EPS[::4], ("forward",), ("float64",))
    assert error_figure(sweep).layout.yaxis.title.text == "|k − J′(x)|"


def test_current_eps_line_is_at_the_current_eps(forward_sweep):
    fig = error_figure(forward_sweep, current_eps=1e-9)
    line = by_name(fig, "your ε = 1e-09")
    assert tuple(line.x) == (1e-9, 1e-9)
    lo, hi = fig.layout.yaxis.range
    assert line.y[0] <= 10**lo and line.y[1] >= 10**hi  # spans the plot
    assert not [t for t in error_figure(forward_sweep).data if t.name.startswith("your ε")]


def test_best_eps_markers_at_the_measured_and_the_predicted_best(lab_sweep):
    fig = error_figure(lab_sweep)
    stars = by_name(fig, "best ε, measured")
    assert stars.marker.symbol == "star"
    points = set(zip(stars.x, stars.customdata, strict=True))
    for scheme in ("forward", "central"):
        for dtype in ("float64", "float32"):
            assert lab_sweep.measured_best(scheme, dtype) in points
    circles = by_name(fig, "best ε, model")
    model = lab_sweep.model("forward", "float64")
    assert (model.best_eps, model.best_error) in set(zip(circles.x, circles.y, strict=True))
    # the forward scheme in float64 is best near √(u·|f|/|f″|)·2 ≈ 1e-8 (the lab's V)
    best_eps, _ = lab_sweep.measured_best("forward", "float64")
    assert 1e-9 < best_eps < 1e-7


def test_exact_zeros_are_marked_at_the_bottom_not_dropped(lab_sweep):
    fig = error_figure(lab_sweep)
    zero = lab_sweep.exact_zero("central", "float64")
    assert zero[EPS == 0.5][0] and zero[EPS == 0.25][0]  # hand-checked above
    triangles = [t for t in fig.data if t.name == "error exactly 0"]
    central = [t for t in triangles if t.marker.color == SCHEME_COLOURS["central"]]
    assert len(central) == 1
    assert {0.5, 0.25} <= set(central[0].x)
    assert central[0].marker.symbol == "triangle-down"
    assert set(central[0].x) == set(EPS[zero]) | set(
        EPS[lab_sweep.exact_zero("central", "float32")]
    )
    assert "error exactly 0" in central[0].hovertemplate
    # at the bottom of the plot, below every drawn error
    lo, _ = fig.layout.yaxis.range
    level = np.log10(central[0].y[0])
    assert lo < level < np.log10(np.nanmin(by_name(fig, "central, float64").y))
    # and the error line itself has a gap there rather than a 0 a log axis cannot show
    assert np.isnan(by_name(fig, "central, float64").y[EPS == 0.5][0])
    # one legend entry for all of them
    assert sum(t.showlegend is not False for t in triangles) == 1


def test_model_lines_are_dashed_and_stop_at_the_breakdown(lab_sweep):
    fig = error_figure(lab_sweep)
    model_line = by_name(fig, "model: forward")
    assert model_line.line.dash == "dash"
    # one scheme's models share a trace, one segment per precision, nan-separated
    x, y = np.asarray(model_line.x, dtype=float), np.asarray(model_line.y, dtype=float)
    separators = np.flatnonzero(np.isnan(x))
    assert len(separators) == 2
    segments = {"float64": slice(0, separators[0]), "float32": slice(separators[0] + 1, None)}
    # below half an ulp of 3 (2⁻⁵² in float64, 2⁻²³ in float32) 3 + ε == 3: no model there
    halves = {"float64": 2.0**-52, "float32": 2.0**-23}
    for dtype, part in segments.items():
        breakdown = lab_sweep.model("forward", dtype).breakdown_eps
        assert breakdown == pytest.approx(halves[dtype], rel=1e-6)
        drawn = np.isfinite(y[part])
        assert x[part][drawn].min() > breakdown
        assert np.isnan(y[part][x[part] <= breakdown]).all()
    without = error_figure(lab_sweep, show_model=False)
    assert not [t for t in without.data if t.name.startswith(("model", "best ε, model"))]


def test_regimes_are_shaded_and_labelled(forward_sweep):
    fig = error_figure(forward_sweep)
    model = forward_sweep.model("forward", "float64")
    (shade,) = fig.layout.shapes
    assert shade.x0 == EPS[0] and shade.x1 == model.breakdown_eps
    assert model.breakdown_eps == pytest.approx(2.0**-52)  # half an ulp of 3
    labels = {a.text: a for a in fig.layout.annotations}
    assert "w + ε == w: k = 0" in labels
    rounding = labels["← rounding<br>error dominates"]
    truncation = labels["truncation<br>error dominates →"]
    assert rounding.x == truncation.x == pytest.approx(np.log10(model.best_eps))


def test_exact_arithmetic_curves(lab_sweep):
    fig = error_figure(lab_sweep, show_exact=True)
    forward = by_name(fig, "exact arithmetic (no rounding): forward")
    # without rounding, (J(3+ε) − J(3))/ε − 6 = ε exactly for w²: the error falls with ε forever
    np.testing.assert_allclose(forward.y, EPS, rtol=1e-6)
    assert min(fig.layout.yaxis.range) <= -20


def test_relative_error_falls_back_to_absolute_where_the_derivative_is_zero():
    sweep = error_sweep(w**2, "w", 0, EPS, ("central",), ("float64",))
    fig = error_figure(sweep, kind="rel")
    assert fig.layout.yaxis.title.text == "|k − J′(w)|"
    assert "relative error is undefined" in notes(fig)


def test_gaps_and_inapplicable_schemes_are_explained():
    sweep = error_sweep(
        sympy.sqrt(w), "w", 0.01, EPS, ("central", "complex_step"), ("float64", "float16")
    )
    fig = error_figure(sweep)
    text = notes(fig)
    assert "central, float64: " + sweep.nan_reason("central", "float64") in text
    reason = sweep.not_applicable("complex_step", "float16")
    assert reason and reason in text
    assert not [t for t in fig.data if t.name == "complex step, float16"]
    assert fig.layout.height > 520  # the figure grew to make room for the notes
    strict_json(fig)


def test_figure_for_an_undefined_derivative_still_draws(forward_sweep):
    sweep = error_sweep(sympy.Abs(w), "w", 0, EPS, ("forward",), ("float64",))
    fig = error_figure(sweep, current_eps=1e-3)
    assert "not differentiable" in notes(fig)
    strict_json(fig)


def test_error_figure_is_readable_colour_blind_safe_and_valid_json(lab_sweep):
    fig = error_figure(lab_sweep, current_eps=1e-3, show_exact=True)
    readable(fig)
    for t in fig.data:
        colour = t.line.color if "lines" in t.mode else t.marker.color
        colours = colour if isinstance(colour, tuple) else (colour,)
        assert all(c.upper() in OKABE_ITO for c in colours), t.name
    strict_json(fig)


def test_compact_error_figure(forward_sweep):
    fig = error_figure(forward_sweep, current_eps=1e-3, compact=True)
    assert fig.layout.height <= 340
    assert fig.layout.font.size >= 14
    assert not [t for t in fig.data if t.name == "error model"]  # fewer legend entries
    strict_json(fig)


def test_the_breakdown_band_says_what_k_really_is_per_scheme():
    from derivcore.expressions import parse

    def band_text(scheme):
        sweep = error_sweep(parse("exp(w)"), "w", 1.0, default_eps_grid(), (scheme,), ("float64",))
        spec = json.loads(error_figure(sweep, 1e-3).to_json())
        return " ".join(a.get("text", "") for a in spec["layout"]["annotations"])

    # Forward: J(1 + ε) and J(1) are the same float below the band's edge, so k is exactly 0.
    assert "w + ε == w: k = 0" in band_text("forward")
    # Five-point: (e − 8e + 8e − e)/(12ε) in floats leaves −7e + 8e's rounding: not 0.
    five = band_text("five_point")
    assert "k is rounding residue" in five and "k = 0" not in five
