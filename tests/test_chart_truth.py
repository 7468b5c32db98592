"""The charts' text alternatives say only what the drawn numbers show (an audit found sentences
that were false). Every expected value comes from an independent numpy sweep of the formula on
the app's grid, from mpmath at 50 digits, or from a hand calculation."""

import re

import mpmath
import numpy as np
import pytest
import sympy

from derivcore import parse
from derivcore.chart_text import describe_curve_chart, describe_error_chart
from derivcore.error_figure import error_figure
from derivcore.sweep import default_eps_grid, error_sweep

GRID = np.logspace(-20, 0, 400)  # the app's grid, written out independently
HALF_PI = float(np.pi / 2)


def sentence(text, x, scheme="forward", kind="abs"):
    sweep = error_sweep(parse(text), "w", x, default_eps_grid(), (scheme,), ("float64",))
    return describe_error_chart(sweep, kind)


def forward_errors(f, x, derivative):
    """|k − J′| of Python's own forward quotient in float64 over the grid, J′ from mpmath."""
    with np.errstate(all="ignore"):
        k = (f(x + GRID) - f(x)) / GRID
    with mpmath.workdps(50):
        exact = derivative(mpmath.mpf(x))
        return np.array([float(abs(mpmath.mpf(float(v)) - exact)) for v in k])


def spoken(value):
    """One significant digit, written independently of number_format."""
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def test_a_flat_stretch_after_the_bottom_is_not_a_rise():
    # sin at π/2: J′ = cos(float(π/2)) ≈ 6.1e-17; below ε ≈ 1e-8 the values of J round alike,
    # k = 0 and the error stays |J′|.
    errors = forward_errors(np.sin, HALF_PI, mpmath.cos)
    with mpmath.workdps(50):
        floor = float(mpmath.cos(mpmath.mpf(HALF_PI)))
    flat = GRID < 1.07e-8
    assert np.all(errors[flat] == floor)  # the sweep: flat, not rising
    text = sentence("sin(w)", HALF_PI)
    assert "rises" not in text
    assert f"then stays at about {spoken(floor)} for every smaller ε" in text


@pytest.mark.parametrize(("text", "x", "f", "derivative"), [
    ("sigmoid(w)", 40.0, lambda v: 1 / (1 + np.exp(-v)),
     lambda v: mpmath.exp(-v) / (1 + mpmath.exp(-v)) ** 2),
    ("softplus(w)", -40.0, lambda v: np.log(1 + np.exp(v)), lambda v: 1 / (1 + mpmath.exp(-v))),
])
def test_an_error_flat_at_every_step_neither_falls_nor_rises(text, x, f, derivative):
    errors = forward_errors(f, x, derivative)
    assert errors.max() <= 3 * errors.min()  # the sweep: flat within a factor 3
    with mpmath.workdps(50):
        level = spoken(float(derivative(mpmath.mpf(x))))
    described = sentence(text, x)
    assert "rises" not in described and "falls" not in described
    assert f"stays at about {level} from ε = 1 to ε = 1e-20" in described


def test_tan_at_its_pole_stays_huge():
    described = sentence("tan(w)", HALF_PI)
    assert "rises" not in described and "falls" not in described
    assert "stays between 3e32" in described or "stays at about 3e32" in described


def test_the_complex_step_on_a_square_does_not_rise():
    # Im (3 + iε)² / ε = 6 exactly in exact arithmetic: only the rounding of 6 (≈ 8.9e-16) or 0.
    described = sentence("w^2", 3.0, "complex_step")
    assert "rises" not in described and "falls" not in described
    k = np.imag((3.0 + 1j * GRID) ** 2) / GRID
    assert f"exactly 0 at {int(np.sum(k == 6.0))} steps" in described


@pytest.mark.parametrize(("text", "f", "derivative"), [
    ("sin(w)", np.sin, mpmath.cos),
    ("cos(w)", np.cos, lambda v: -mpmath.sin(v)),
])
def test_exact_zeros_at_the_smallest_steps_are_named_as_such(text, f, derivative):
    errors = forward_errors(f, 0.0, derivative)
    # the largest ε from which every smaller ε gives exactly 0 (sin: 2.14e-8, cos: 9.5e-9)
    nonzero = np.flatnonzero(errors != 0)
    edge = GRID[nonzero.min() - 1]  # GRID increases
    assert np.all(errors[np.less_equal(GRID, edge)] == 0)
    assert errors[np.greater(GRID, edge)].min() > 0
    described = sentence(text, 0.0)
    assert "rises" not in described
    found = re.search(r"exactly 0 for every ε below ([0-9.e-]+)", described)
    assert found, described
    bound = float(found.group(1).rstrip("."))
    assert edge / 10 < bound <= edge  # true for every grid ε below the bound


def test_a_real_rise_to_the_plateau_is_still_a_rise():
    # w² at 3: the error of k = 0 is |J′| = 6 for every ε below half an ulp of 3 (2^-52).
    described = sentence("w^2", 3.0)
    assert described.endswith(f"then rises to 6 below ε = {spoken(2.0**-52)[0]}e-16.")


@pytest.mark.parametrize("text", ["w^3", "cos(w)"])
def test_relative_error_where_j_prime_is_0_describes_the_absolute_error_drawn(text):
    sweep = error_sweep(parse(text), "w", 0.0, default_eps_grid(), ("forward",), ("float64",))
    figure = error_figure(sweep, kind="rel")
    assert "/" not in figure.layout.yaxis.title.text  # the figure draws |k − J′| itself
    described = describe_error_chart(sweep, "rel")
    assert "no error to show" not in described
    assert "relative error is undefined: the chart shows the absolute error" in described
    assert described.endswith(describe_error_chart(sweep, "abs"))
    if text == "w^3":
        # k = ((0 + ε)³ − 0)/ε = ε² by hand: 1 at ε = 1, 1e-40 at ε = 1e-20
        assert "falls from 1 at ε = 1 to 1e-40 at ε = 1e-20" in described


def slopes(text, x, eps):
    described = describe_curve_chart(parse(text), "w", x, eps)
    found = re.search(r"tangent's slope is (\S+) and the secant's for ε = \S+ is ([^ .]\S*?)"
                      r"( \(the same number\))?\.$", described)
    assert found, described
    return found.group(1), found.group(2), bool(found.group(3))


@pytest.mark.parametrize(("text", "x", "eps", "f", "derivative"), [
    ("sin(w)", 0.0, 1e-3, np.sin, mpmath.cos),
    ("exp(w)", 0.0, 1e-8, np.exp, mpmath.exp),
    ("log(1+w^2)", 0.3, 1e-8, lambda v: np.log(1 + v * v), lambda v: 2 * v / (1 + v * v)),
    ("sqrt(w)", 1e-8, 1e-15, np.sqrt, lambda v: 1 / (2 * mpmath.sqrt(v))),
])
def test_a_secant_and_a_tangent_that_differ_read_differently(text, x, eps, f, derivative):
    k = float((f(np.float64(x) + eps) - f(np.float64(x))) / eps)  # Python's own quotient
    with mpmath.workdps(50):
        slope = float(derivative(mpmath.mpf(x)))
    assert k != slope
    tangent, secant, _ = slopes(text, x, eps)
    assert tangent != secant
    # each number shown is nearer to its own value than to the other one
    assert abs(float(secant) - k) < abs(float(secant) - slope)
    assert abs(float(tangent) - slope) < abs(float(tangent) - k)


def test_equal_slopes_are_said_to_be_equal_and_no_negative_zero():
    # w² at 1e8, ε = 0.5: (1e8 + 0.5)² = 1e16 + 1e8 + 0.25 rounds to 1e16 + 1e8 (ulp 2), so
    # k = 1e8/0.5 = 2e8 = J′ exactly.
    tangent, secant, same = slopes("w^2", 1e8, 0.5)
    assert tangent == secant and float(secant) == 2e8 and same
    # cos at 0: the tangent's slope −sin(0) is 0, k = (cos(1e-3) − 1)/1e-3 ≈ −5e-4
    tangent, secant, same = slopes("cos(w)", 0.0, 1e-3)
    assert tangent == "0" and not same
    assert float(secant) == pytest.approx((np.cos(1e-3) - 1) / 1e-3, rel=1e-5)


def test_the_error_sentence_for_undefined_points_counts_them():
    described = sentence("log(w)", -1.0)
    assert described == "forward, float64: no error to show (undefined at 400 steps)."
    w = sympy.Symbol("w", real=True)
    sweep = error_sweep(w - w, "w", 1.0, GRID, ("forward",), ("float64",))
    assert describe_error_chart(sweep) == "forward, float64: the error is exactly 0 at every ε."
