"""Curves: gaps where a drawn line would lie, tangent and secant through the right points, windows.

Expected values are hand-derived (d/dw w² = 2w, d/dw 1/w = −1/w², ...) or the lab's printed numbers.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy

from derivcore.curves import (
    Curve,
    default_window,
    derivative_curve,
    point_value,
    sample_curve,
    secant_line,
    tangent_line,
    tangent_slope,
)
from derivcore.expressions import parse
from derivcore.nudge import nudge

w = sympy.Symbol("w", real=True)


def drawn_segments(curve: Curve) -> tuple[np.ndarray, np.ndarray]:
    """The (x_left, x_right) of every segment plotly draws: both ends finite."""
    both = np.isfinite(curve.y[:-1]) & np.isfinite(curve.y[1:])
    return curve.x[:-1][both], curve.x[1:][both]


def crosses(curve: Curve, point: float) -> bool:
    left, right = drawn_segments(curve)
    return bool(np.any((left < point) & (point < right)))


def assert_no_line_across(curve: Curve, points) -> None:
    for point in points:
        assert not crosses(curve, point), f"a line is drawn across {point}"
        assert np.isnan(curve.y).any()


# --- gaps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lo", "hi", "n"),
    [(-1, 1, 2000), (-1, 1, 2001), (-1, 3, 2000), (-2, 2, 7), (-0.3, 5, 1234)],
)
def test_reciprocal_has_a_gap_at_its_pole(lo, hi, n):
    curve = sample_curve(1 / w, "w", lo, hi, n)
    assert_no_line_across(curve, [0.0])
    # and both branches are drawn: values of both signs
    assert np.nanmax(curve.y) > 0 > np.nanmin(curve.y)


@pytest.mark.parametrize("expr", [1 / w**2, sympy.log(sympy.Abs(w)), 1 / w**3])
def test_poles_of_every_order_have_gaps_even_on_symmetric_windows(expr):
    # On a window symmetric about the pole the two samples beside it have equal values
    # (1/w², log|w|), so only looking inside the segment finds it.
    for lo, hi in [(-1.5, 1.5), (-1.5, 2.5), (-2, 2)]:
        assert_no_line_across(sample_curve(expr, "w", lo, hi), [0.0])


def test_tan_has_gaps_at_every_pole_in_the_window():
    curve = sample_curve(sympy.tan(w), "w", -5, 5)
    poles = [k * math.pi / 2 for k in (-3, -1, 1, 3)]
    assert_no_line_across(curve, poles)
    near_half_pi = sample_curve(sympy.tan(w), "w", 1, 2)
    assert_no_line_across(near_half_pi, [math.pi / 2])


def test_rational_function_has_gaps_at_both_poles():
    curve = sample_curve(1 / (w**2 - 1), "w", -3, 3)
    assert_no_line_across(curve, [-1.0, 1.0])


def test_jumps_are_not_joined():
    curve = sample_curve(sympy.floor(w), "w", -2.5, 2.5)
    left, right = drawn_segments(curve)
    # every drawn segment stays on one step: floor is the same at both ends
    assert np.array_equal(np.floor(left), np.floor(right))
    sign = sample_curve(sympy.sign(w), "w", -1, 1.3)
    assert_no_line_across(sign, [0.0])


def test_log_is_undefined_for_nonpositive_w_and_reaches_down_to_the_edge():
    curve = sample_curve(sympy.log(w), "w", -1, 2)
    assert np.all(np.isnan(curve.y[curve.x <= 0]))
    assert np.all(np.isfinite(curve.y[curve.x > 0]))
    # the edge of the domain is found, so the curve plunges instead of stopping at w ≈ 1.5e-3
    smallest = curve.x[np.isfinite(curve.y)].min()
    assert 0 < smallest < 1e-9
    assert np.nanmin(curve.y) < math.log(1e-9)


def test_sqrt_starts_at_zero():
    curve = sample_curve(sympy.sqrt(w), "w", -1, 1)
    assert np.all(np.isnan(curve.y[curve.x < 0]))
    defined = np.isfinite(curve.y)
    assert curve.x[defined].min() == pytest.approx(0, abs=1e-12)
    np.testing.assert_allclose(curve.y[defined], np.sqrt(curve.x[defined]), rtol=1e-15)


def test_complex_values_are_nan():
    curve = sample_curve(sympy.asin(w), "w", -2, 2)
    assert np.all(np.isnan(curve.y[np.abs(curve.x) > 1]))
    assert np.all(np.isfinite(curve.y[np.abs(curve.x) <= 1]))
    imaginary = sample_curve(w + sympy.I, "w", -1, 1)
    assert np.all(np.isnan(imaginary.y))


@pytest.mark.parametrize(
    ("expr", "lo", "hi"),
    [
        (sympy.sin(w), -10, 10),
        (sympy.exp(w), -3, 3),
        (w**3, -2, 2),
        (sympy.tanh(50 * w), -1, 1),  # steep, but continuous
        (sympy.sqrt(sympy.Abs(w)), -1, 1),  # infinite slope at 0, still continuous
        (sympy.Max(0, w), -2, 2),
        (sympy.sin(50 * w), -2, 2),
    ],
)
def test_continuous_functions_get_no_gaps(expr, lo, hi):
    curve = sample_curve(expr, "w", lo, hi)
    assert np.all(np.isfinite(curve.y))
    assert len(curve.x) == 2000
    assert np.all(np.diff(curve.x) > 0)


def test_samples_are_the_function_values():
    curve = sample_curve(w**2, "w", 1, 5, n=101)
    np.testing.assert_array_equal(curve.x, np.linspace(1, 5, 101))
    np.testing.assert_allclose(curve.y, curve.x**2, rtol=1e-15)


def test_other_variables_take_the_given_values():
    a = sympy.Symbol("a", real=True)
    curve = sample_curve(a * w**2, "w", -1, 1, n=11, values={"a": 2})
    np.testing.assert_allclose(curve.y, 2 * curve.x**2, rtol=1e-15)
    with pytest.raises(ValueError, match="give a value for a"):
        sample_curve(a * w**2, "w", -1, 1)


def test_plain_symbols_without_assumptions_work_too():
    x = sympy.Symbol("x")
    curve = sample_curve(x**3, "x", 0, 2, n=5)
    np.testing.assert_allclose(curve.y, [0, 0.125, 1, 3.375, 8])


def test_constants_are_drawn_flat():
    curve = sample_curve(sympy.Integer(5), "w", 0, 1, n=4)
    np.testing.assert_array_equal(curve.y, [5, 5, 5, 5])


def test_numbers_too_big_for_a_double_become_inf_then_nan_not_an_error():
    curve = sample_curve(w * sympy.Integer(10) ** 400, "w", -1, 1, n=5)
    assert np.isnan(curve.y[0]) and np.isnan(curve.y[-1])


@pytest.mark.parametrize(("lo", "hi", "n"), [(1, 1, 10), (2, 1, 10), (0, math.inf, 10), (0, 1, 1)])
def test_bad_windows_are_refused(lo, hi, n):
    with pytest.raises(ValueError):
        sample_curve(w, "w", lo, hi, n)


# --- tangent, secant, J′ ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "x0", "value", "slope"),
    [
        (w**2, 3, 9, 6),  # the lab: d/dw w² = 2w
        (2 * w, -3, -6, 2),
        (w**3, 2, 8, 12),
        (1 / w, 2, 0.5, -0.25),  # −1/w²
        (1 / w**2, 4, 1 / 16, -1 / 32),  # −2/w³
        (sympy.sin(w), 0, 0, 1),
        (sympy.exp(w), 1, math.e, math.e),
        (sympy.Max(0, w), 1, 1, 1),
        (sympy.floor(w), 0.5, 0, 0),
    ],
)
def test_tangent_passes_through_the_point_with_the_derivative_as_slope(expr, x0, value, slope):
    line = tangent_line(expr, "w", x0, x0 - 2, x0 + 2)
    assert tangent_slope(expr, "w", x0) == pytest.approx(slope, rel=1e-15)
    assert line.y[line.x == x0][0] == pytest.approx(value, rel=1e-15)
    assert line.x[0] == x0 - 2 and line.x[-1] == x0 + 2
    np.testing.assert_allclose(line.y, value + slope * (line.x - x0), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    ("expr", "x0"),
    [
        (sympy.Abs(w), 0),  # kink: SymPy's sign(0) = 0 would draw a flat "tangent"
        (sympy.Max(0, w), 0),  # relu: Heaviside(0) = ½
        (sympy.sqrt(w), 0),  # vertical tangent
        (1 / w, 0),  # undefined
        (sympy.log(w), -1),  # undefined
        (sympy.floor(w), 1),  # jump
    ],
)
def test_no_tangent_where_j_is_undefined_or_not_differentiable(expr, x0):
    assert tangent_line(expr, "w", x0, -2, 2) is None
    assert math.isnan(tangent_slope(expr, "w", x0))


def test_secant_goes_through_both_points_exactly():
    line = secant_line(w**2, "w", 3, 0.5, 1, 5)
    assert line.y[line.x == 3][0] == 9
    assert line.y[line.x == 3.5][0] == 12.25
    assert nudge(w**2, "w", 3, 0.5).k == 6.5  # (12.25 − 9)/0.5
    np.testing.assert_allclose(line.y, 9 + 6.5 * (line.x - 3), rtol=1e-15)


def test_secant_slope_is_the_labs_k():
    # The lab prints these: k for w² at 3 with ε = 1e-9 and for 1/w² at 4 with ε = 0.001.
    for expr, x0, eps, k in [
        (w**2, 3, 1e-9, 6.000000496442226),
        (1 / w**2, 4, 0.001, -0.031238285155041345),
        (1 / w, 2, 0.001, -0.2498750624687629),
    ]:
        line = secant_line(expr, "w", x0, eps, x0 - 1, x0 + 1)
        rise = line.y[line.x == x0 + eps][0] - line.y[line.x == x0][0]
        assert rise / eps == k


def test_secant_below_the_resolution_of_w_is_flat():
    # 3 + 1e-17 == 3 in float64, so J(w + ε) − J(w) = 0 and k = 0: the secant is horizontal.
    line = secant_line(w**2, "w", 3, 1e-17, 1, 5)
    np.testing.assert_array_equal(line.y, 9.0)


def test_no_secant_when_a_point_is_undefined_or_eps_is_zero():
    assert secant_line(sympy.log(w), "w", 0.5, -1, -1, 2) is None  # log(−0.5)
    assert secant_line(sympy.log(w), "w", -0.5, 1, -1, 2) is None  # log(−0.5)
    assert secant_line(w**2, "w", 3, 0, 1, 5) is None
    assert secant_line(w**2, "w", 3, math.nan, 1, 5) is None


def test_derivative_curve():
    curve = derivative_curve(w**3, "w", -2, 2, n=41)
    np.testing.assert_allclose(curve.y, 3 * curve.x**2, rtol=1e-15)
    # d|w|/dw = sign(w) jumps from −1 to 1 at 0: a gap, not a vertical line
    assert_no_line_across(derivative_curve(sympy.Abs(w), "w", -1, 1.3), [0.0])
    # d floor/dw is 0 between the jumps
    steps = derivative_curve(sympy.floor(w), "w", 0.1, 0.9, n=5)
    np.testing.assert_array_equal(steps.y, 0.0)


def test_point_value():
    assert point_value(w**2, "w", 3) == 9
    assert math.isnan(point_value(sympy.log(w), "w", 0))


# --- default window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "x0"),
    [(w**2, 3), (2 * w, -3), (w**3, 2), (1 / w, 2), (1 / w**2, 4), (sympy.sin(w), 0)],
)
def test_windows_for_the_labs_points_hold_the_point_with_room_around_it(expr, x0):
    lo, hi = default_window(expr, "w", x0)
    assert isinstance(lo, float) and isinstance(hi, float)
    assert lo < x0 < hi
    assert min(x0 - lo, hi - x0) >= 1  # room to see the secant for ε up to 1
    assert hi - lo <= 4 * max(2, abs(x0))
    # J is defined on the whole window except possibly at its ends
    inside = sample_curve(expr, "w", lo, hi).y[1:-1]
    assert np.isfinite(inside).mean() > 0.99


def test_window_of_a_parabola_at_the_labs_point():
    assert default_window(w**2, "w", 3) == (1.0, 5.0)  # 3 ± 2


def test_window_stays_inside_a_one_sided_domain():
    lo, hi = default_window(sympy.sqrt(w), "w", 0.01)
    assert lo == 0.0 and hi > 1
    lo, hi = default_window(sympy.log(w), "w", 0.5)
    assert lo == 0.0 and hi > 2
    lo, hi = default_window(sympy.asin(w), "w", 0)
    assert (lo, hi) == (-1.0, 1.0)


def test_window_shrinks_for_fast_growth():
    lo, hi = default_window(sympy.exp(10 * w), "w", 0)
    assert lo < 0 < hi and hi - lo < 1
    curve = sample_curve(sympy.exp(10 * w), "w", lo, hi)
    # the point's neighbourhood is not squashed flat: J varies by less than 1000 times J(0)
    assert np.nanmax(curve.y) < 1000


def test_window_keeps_the_shape_where_j_and_its_slope_vanish():
    assert default_window(w**3, "w", 0) == (-2.0, 2.0)


def test_window_scales_with_large_points():
    lo, hi = default_window(w**2, "w", 1000)
    assert lo < 1000 < hi and hi - lo >= 100


def test_window_of_a_function_of_several_variables_without_values_is_the_plain_one():
    a = sympy.Symbol("a", real=True)
    assert default_window(a * sympy.log(w), "w", 0.5) == (-1.5, 2.5)
    assert default_window(a * sympy.log(w), "w", 0.5, {"a": 1})[0] == 0.0


def test_window_near_the_largest_double_stays_finite():
    biggest = float(np.finfo(np.float64).max)
    lo, hi = default_window(w, "w", 1.7e308)
    assert lo < 1.7e308 <= hi == biggest
    lo, hi = default_window(w, "w", -1.7e308)
    assert -biggest == lo < -1.7e308 < hi


def _mpmath_slope(f, x: float) -> float:
    """J′(x) by mpmath's own differentiation at 1000 digits (independent of our evaluation)."""
    with mpmath.workdps(1000):
        return float(mpmath.diff(f, mpmath.mpf(x)))


@pytest.mark.parametrize(
    ("text", "f", "x"),
    [
        ("sin(w)/w", lambda t: mpmath.sin(t) / t, 1e-8),
        ("sin(w)/w", lambda t: mpmath.sin(t) / t, 1e-300),
        ("(1 - cos(w))/w^2", lambda t: (1 - mpmath.cos(t)) / t**2, 1e-8),
        ("(exp(w) - 1)/w", lambda t: (mpmath.exp(t) - 1) / t, 1e-8),
    ],
)
def test_the_tangent_slope_survives_a_derivative_whose_terms_cancel(text, f, x):
    # Audit of 2026-12-01: evaluated in float64, J′ = cos(w)/w − sin(w)/w² at 1e-8 gave 1.5e-8
    # (the true slope is −3.3e-9, of the other sign); (exp(w) − 1)/w gave 1.6 for 0.5.
    assert tangent_slope(parse(text), "w", x) == pytest.approx(_mpmath_slope(f, x), rel=1e-14)
