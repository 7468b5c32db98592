"""derivcore.symbolic against hand calculation and mpmath at 50 digits."""

import math
import time
from fractions import Fraction

import bounded_targets as targets
import mpmath
import numpy as np
import pytest
import sympy

from derivcore import point_values
from derivcore.expressions import parse
from derivcore.point_values import PointValue, derivative_at, point_text, value_at
from derivcore.symbolic import derivative, simplified, to_latex

w, x, b = sympy.symbols("w x b", real=True)
half = sympy.Rational(1, 2)


def mp(value):
    """A SymPy number as a 50-digit mpmath number."""
    with mpmath.workdps(50):
        return mpmath.mpf(str(sympy.N(value, 50)))


def equal(first, second):
    return sympy.simplify(first - second) == 0


# --- derivative -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "by_hand"),
    [(w**2, 2 * w), (2 * w, 2), (w**3, 3 * w**2), (1 / w, -1 / w**2), (1 / w**2, -2 / w**3)],
)
def test_derivatives_of_the_labs_five_functions(expr, by_hand):
    assert equal(derivative(expr, "w"), by_hand)


@pytest.mark.parametrize("order", range(1, 11))
def test_every_order_from_1_to_10(order):
    # d^n/dw^n w^12 = 12!/(12-n)! w^(12-n)
    by_hand = math.factorial(12) // math.factorial(12 - order) * w ** (12 - order)
    assert equal(derivative(w**12, "w", order), by_hand)


def test_high_orders_of_sin_cycle():
    assert equal(derivative(sympy.sin(w), "w", 4), sympy.sin(w))
    assert equal(derivative(sympy.sin(w), "w", 10), -sympy.sin(w))


@pytest.mark.parametrize("order", [0, 11, -1, 2.5, True, "2", None])
def test_orders_outside_1_to_10_are_refused_clearly(order):
    with pytest.raises(ValueError, match="whole number from 1 to 10"):
        derivative(w**2, "w", order)


@pytest.mark.parametrize("order", [sympy.Integer(3), np.int64(3)])
def test_integer_like_orders_are_accepted(order):
    assert derivative(w**3, "w", order) == 6


def test_partial_derivatives_of_a_function_of_several_variables():
    expr = w * x + b
    assert derivative(expr, "w") == x
    assert derivative(expr, "x") == w
    assert derivative(expr, "b") == 1
    assert derivative(expr, "z") == 0


def test_a_symbol_without_assumptions_is_found_by_name():
    plain = sympy.Symbol("w")
    assert derivative(plain**2, "w") == 2 * plain


# --- values at a point: the lab's numbers -----------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "point", "slope"),
    [
        (w**2, 2, 4),
        (w**2, 3, 6),
        (w**2, -3, -6),
        (2 * w, -3, 2),
        (w**3, 2, 12),
        (1 / w, 2, sympy.Rational(-1, 4)),
        (1 / w**2, 4, sympy.Rational(-1, 32)),
    ],
)
def test_the_labs_slopes_are_exact(expr, point, slope):
    result = derivative_at(expr, "w", point)
    assert result == PointValue(True, slope, float(Fraction(str(slope))), "", result.latex)
    assert result.exact.is_Rational


def test_the_labs_values_are_exact():
    assert value_at(w**2, "w", 3).exact == 9
    assert value_at(1 / w**2, "w", 4).exact == sympy.Rational(1, 16)


# J, J' written out by hand for mpmath, the point
SMOOTH = [
    (sympy.sin(w), lambda t: mpmath.cos(t), half),
    (sympy.exp(w), lambda t: mpmath.exp(t), sympy.Rational(1, 10)),
    (sympy.log(w), lambda t: 1 / t, 3),
    (sympy.tanh(w), lambda t: 1 - mpmath.tanh(t) ** 2, half),
    (1 / (1 + sympy.exp(-w)), lambda t: mpmath.exp(-t) / (1 + mpmath.exp(-t)) ** 2, 1),
    (sympy.log(1 + sympy.exp(w)), lambda t: 1 / (1 + mpmath.exp(-t)), -2),
    (sympy.sqrt(w), lambda t: 1 / (2 * mpmath.sqrt(t)), 2),
    (sympy.sin(w), lambda t: mpmath.cos(t), sympy.pi / 4),
    (w * sympy.exp(-(w**2)), lambda t: (1 - 2 * t**2) * mpmath.exp(-(t**2)), sympy.Rational(3, 2)),
    (sympy.atan(w), lambda t: 1 / (1 + t**2), 1),
    (1 / w**2, lambda t: -2 / t**3, sympy.Rational(-1, 3)),
]


@pytest.mark.parametrize(("expr", "slope", "point"), SMOOTH)
def test_slopes_match_mpmath_at_50_digits(expr, slope, point):
    result = derivative_at(expr, "w", point)
    with mpmath.workdps(50):
        expected = slope(mp(point))
        assert result.defined
        assert abs(mp(result.exact) - expected) <= mpmath.mpf(10) ** -45 * abs(expected)
        assert result.decimal == float(expected)  # the float64 nearest the exact value


def test_the_decimal_is_the_float_nearest_the_exact_value():
    assert derivative_at(sympy.sin(w), "w", half).decimal == float(mpmath.cos(0.5))
    assert value_at(1 / w, "w", 3).decimal == 1 / 3


def test_exact_values_are_exact_symbols():
    assert equal(derivative_at(sympy.sin(w), "w", half).exact, sympy.cos(half))
    assert derivative_at(sympy.sin(w), "w", sympy.pi / 4).exact == sympy.sqrt(2) / 2
    assert value_at(sympy.sin(w), "w", sympy.pi / 6).exact == half


# --- points where J or J' does not exist ----------------------------------------------------

NOT_DEFINED = [
    (1 / w, 0, "J is not defined at w = 0"),
    (sympy.log(w), -1, "J is not defined at w = -1"),
    (sympy.log(w), 0, "J is not defined at w = 0"),
    (sympy.sqrt(w), -4, "J is not defined at w = -4"),
    (sympy.tan(w), sympy.pi / 2, "J is not defined at w = pi/2"),
    (sympy.acos(w), 2, "J is not defined at w = 2"),
    ((w**2 - w) / w, 0, "J is not defined at w = 0"),
]


@pytest.mark.parametrize(("expr", "point", "message"), NOT_DEFINED)
def test_undefined_points_say_so_for_value_and_slope(expr, point, message):
    for result in (value_at(expr, "w", point), derivative_at(expr, "w", point)):
        assert result.defined is False
        assert result.exact is None and result.decimal is None
        assert result.message.startswith(message)
        assert result.latex == r"\text{not defined}"


@pytest.mark.parametrize(
    ("point", "text"),
    [
        (-0.5, "-0.5"),
        (sympy.Rational(-1, 4), "-0.25"),
        (sympy.Rational(-1, 3), "-1/3"),
        (-sympy.pi, "-pi"),
    ],
)
def test_messages_write_the_point_as_a_student_would(point, text):
    assert value_at(sympy.log(w), "w", point).message.startswith(f"J is not defined at w = {text} ")


NOT_DIFFERENTIABLE = [
    (sympy.Abs(w), 0, "the slope is -1 from the left and 1 from the right"),
    (sympy.Max(0, w), 0, "the slope is 0 from the left and 1 from the right"),
    (sympy.Abs(w - 1), 1, "the slope is -1 from the left and 1 from the right"),
    (sympy.Abs(sympy.sin(w)), sympy.pi, "the slope is -1 from the left and 1 from the right"),
    (sympy.Max(w, w**2), 1, "the slope is 1 from the left and 2 from the right"),
    (sympy.sqrt(w), 0, "the slope is infinite"),
    (sympy.sqrt(sympy.Abs(w)), 0, "the slope is infinite"),
    (sympy.asin(w), 1, "the slope is infinite"),
    (sympy.floor(w), 1, "J jumps there"),
    (sympy.Heaviside(w), 0, "J jumps there"),
    (sympy.sign(w), 0, "J jumps there"),
    (w ** sympy.Rational(3, 2), 0, "J is not defined on both sides of it"),
]


@pytest.mark.parametrize(("expr", "point", "reason"), NOT_DIFFERENTIABLE)
def test_points_without_a_slope_say_why(expr, point, reason):
    assert value_at(expr, "w", point).defined  # J itself has a value there
    result = derivative_at(expr, "w", point)
    where = f"w = {sympy.sstr(point)}"
    assert result == PointValue(
        False,
        None,
        None,
        f"J is not differentiable at {where} ({reason})",
        r"\text{not differentiable}",
    )


@pytest.mark.parametrize(
    ("expr", "point", "slope"),
    [
        (w * sympy.Abs(w), 0, 0),  # smooth enough: |h|h/h -> 0 from both sides
        (sympy.Abs(w) ** 3, 0, 0),
        (sympy.Max(0, w) ** 2, 0, 0),
        (sympy.Abs(w), 3, 1),
        (sympy.Abs(w), -2, -1),
        (sympy.Max(0, w), -1, 0),
        (sympy.Max(0, w), 2, 1),
        (sympy.Min(w, 2 * w), 1, 1),
        (sympy.sign(w) * w**2, 0, 0),
        (sympy.floor(w) + w, half, 1),
    ],
)
def test_non_smooth_functions_away_from_their_corners_or_smooth_at_them(expr, point, slope):
    result = derivative_at(expr, "w", point)
    assert (result.defined, result.exact) == (True, slope)


def test_no_result_ever_contains_zoo_or_nan():
    for expr, point, _ in NOT_DEFINED + NOT_DIFFERENTIABLE:
        for result in (value_at(expr, "w", point), derivative_at(expr, "w", point)):
            assert result.exact is None or not result.exact.has(sympy.zoo, sympy.nan)
            assert result.decimal is None or math.isfinite(result.decimal)


# --- the point and the other variables ------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "exact"),
    [
        (0.1, sympy.Rational(1, 10)),  # a float means the decimal it prints as
        (Fraction(1, 3), sympy.Rational(1, 3)),
        (np.float64(0.25), sympy.Rational(1, 4)),
        (np.int64(3), sympy.Integer(3)),
        (sympy.pi / 4, sympy.pi / 4),
    ],
)
def test_points_of_every_number_type_become_exact(point, exact):
    assert value_at(w, "w", point).exact == exact


@pytest.mark.parametrize(
    "point",
    ["3", None, float("nan"), float("inf"), sympy.oo, sympy.zoo, sympy.nan, sympy.I, w, True],
)
def test_points_that_are_not_finite_real_numbers_are_refused(point):
    with pytest.raises(ValueError, match="number"):
        value_at(w**2, "w", point)


def test_other_variables_take_their_given_values():
    expr = w * x + b
    assert derivative_at(expr, "w", 2, {"x": 3, "b": 1}).exact == 3
    assert derivative_at(expr, "x", 5, {"w": 2, "b": 0}).exact == 2
    assert value_at(expr, "w", 2, {"x": 3, "b": half}).exact == sympy.Rational(13, 2)


def test_a_value_given_for_the_variable_itself_is_ignored():
    assert derivative_at(w * x, "w", 2, {"x": 3, "w": 100}).exact == 3
    assert value_at(w * x, "w", 2, {"x": 3, "w": 100}).exact == 6


def test_missing_values_of_other_variables_are_named():
    with pytest.raises(ValueError, match="b, x"):
        derivative_at(w * x + b, "w", 2)


# --- display ------------------------------------------------------------------------------


def test_latex_of_the_sigmoid_and_friends():
    assert to_latex(1 / (1 + sympy.exp(-w))) == r"\frac{1}{1 + e^{- w}}"
    assert to_latex(sympy.Abs(w)) == r"\left|{w}\right|"
    assert to_latex(-2 / w**3) == r"- \frac{2}{w^{3}}"


def test_point_value_latex():
    assert derivative_at(1 / w, "w", 2).latex == r"- \frac{1}{4} = -0.25"
    assert derivative_at(w**2, "w", 3).latex == "6"
    assert derivative_at(1 / w, "w", 3).latex == r"- \frac{1}{9} \approx -0.1111111111111111"
    assert derivative_at(sympy.sin(w), "w", half).latex == (
        r"\cos{\left(\frac{1}{2} \right)} \approx 0.8775825618903728"
    )


def test_values_beyond_float64_get_a_scientific_approximation():
    result = value_at(sympy.exp(w), "w", 1000)
    assert result.exact == sympy.exp(1000) and result.decimal == math.inf
    # e^1000 = 1.970071114017046993888879...e434
    assert result.latex == r"e^{1000} \approx 1.970071114017047 \cdot 10^{434}"
    huge = value_at((w + 1) ** 100000, "w", 3)  # 4^100000: 60206 digits, too long to show
    assert huge.defined and huge.exact is None and huge.decimal == math.inf
    assert huge.latex.endswith(r"\cdot 10^{60205}")


# --- simplified ---------------------------------------------------------------------------

DERIVATIVES = [
    derivative(1 / (1 + sympy.exp(-w)), "w"),
    derivative(sympy.log(1 + sympy.exp(w)), "w"),
    derivative(sympy.tanh(w) * w, "w"),
    derivative(sympy.Abs(w) * w, "w"),
    derivative(sympy.Max(0, w) * sympy.sin(w), "w"),
    derivative(sympy.sqrt(w**2 + 1) / (w - 3), "w"),
    (w**2 - 1) / (w - 1),
    sympy.sin(w) ** 2 + sympy.cos(w) ** 2,
]
SAMPLES = [
    sympy.Rational(-5, 2),
    sympy.Rational(-7, 10),
    sympy.Rational(3, 10),
    sympy.Rational(19, 10),
]


@pytest.mark.parametrize("expr", DERIVATIVES)
def test_simplified_forms_are_equal_and_no_longer(expr):
    shorter = simplified(expr)
    assert sympy.count_ops(shorter) <= sympy.count_ops(expr)
    for point in SAMPLES:
        assert abs(sympy.N((shorter - expr).subs(w, point), 30)) < 1e-25


def test_simplified_finds_the_short_forms():
    assert simplified((w**2 - 1) / (w - 1)) == w + 1
    assert simplified(sympy.sin(w) ** 2 + sympy.cos(w) ** 2) == 1


def test_simplified_brings_in_no_new_functions():
    sigmoid_slope = simplified(derivative(1 / (1 + sympy.exp(-w)), "w"))
    assert not sigmoid_slope.has(sympy.cosh)
    assert not simplified(derivative(w * sympy.Abs(w), "w")).has(sympy.Piecewise)


def test_simplified_gives_up_in_time_on_a_huge_expression():
    huge = derivative(sympy.tan(sympy.tan(sympy.tan(w))), "w", 3)  # simplify alone takes seconds
    start = time.monotonic()
    assert simplified(huge, timeout=0.3) is huge
    assert time.monotonic() - start < 0.3 + 1.5


# --- the time limit on values -------------------------------------------------------------


def test_when_the_exact_value_takes_too_long_a_30_digit_numerical_one_is_given(monkeypatch):
    # The exact computation never finishes; the numerical fallback gets the last quarter.
    monkeypatch.setattr(point_values, "_exact_outcome", targets.never_finishes)
    start = time.monotonic()
    result = derivative_at(sympy.sin(w), "w", half, timeout=1)
    assert time.monotonic() - start < 1 + 1.5
    assert result.defined and result.exact is None
    assert math.isclose(result.decimal, float(mpmath.cos(0.5)), rel_tol=1e-15)
    assert result.latex.startswith(r"\approx 0.87758256189037")


def test_when_nothing_finishes_in_time_the_result_says_so(monkeypatch):
    monkeypatch.setattr(point_values, "_exact_outcome", targets.never_finishes)
    monkeypatch.setattr(point_values, "_numeric_outcome", targets.never_finishes)
    start = time.monotonic()
    result = derivative_at(sympy.sin(w), "w", 1, timeout=1)
    assert time.monotonic() - start < 1 + 1.5
    assert result.defined is False
    assert result.message == (
        "This took longer than 1 s to compute, so it was stopped. Try a simpler function."
    )


def test_a_non_smooth_function_gets_no_numerical_slope(monkeypatch):
    # At a corner a numerical slope would be meaningless, so there is none to fall back on.
    monkeypatch.setattr(point_values, "_exact_outcome", targets.never_finishes)
    result = derivative_at(sympy.Abs(w), "w", 1, timeout=0.5)
    assert result.defined is False
    assert result.message.startswith("This took longer than 0.5 s")


def test_an_exponent_tower_returns_within_the_limit():
    start = time.monotonic()
    result = derivative_at(sympy.exp(sympy.exp(sympy.exp(sympy.exp(w)))), "w", 10, timeout=2)
    assert time.monotonic() - start < 2 + 1.5
    # e^(e^(e^(e^10))) is far beyond float64 (and beyond what SymPy can evaluate): the exact
    # value with decimal inf; or, when the exact phase overruns on a busy machine, the numerical
    # fallback's reason (e^(e^10) ≈ 10^9566 is beyond its 10^4932) or the time-out message.
    assert (
        (result.defined and result.decimal == math.inf)
        or result.message.startswith("This took longer than 2 s")
        or "too large to compute with" in result.message
    )


def test_a_derivative_too_large_to_compute_says_so_instead_of_an_empty_value():
    # J′ = e^(e^(e^w))·e^(e^w)·e^w; at w = 10, e^(e^10) = e^22026.47 = 10^9565.9 (by hand:
    # 22026.47/ln 10 = 9565.9), so J′ has no value a page could show.
    value = derivative_at(parse("exp(exp(exp(w)))"), "w", 10)
    assert not value.defined
    assert "about 10^9565" in value.message and "w = 10" in value.message


def test_an_exact_value_whose_terms_cancel_is_evaluated_with_enough_digits():
    # Audit of 2026-12-01: J′ of sin(w)/w at 1e-300 is cos(w)/w − sin(w)/w², two terms of 1e300
    # that agree to 600 digits; at 50 digits the overview showed J′ ≈ 1.9e140. mpmath at 2000
    # digits: −3.333e-301.
    with mpmath.workdps(2000):
        t = mpmath.mpf(10) ** -300
        expected = float(mpmath.cos(t) / t - mpmath.sin(t) / t**2)
    result = derivative_at(parse("sin(w)/w"), "w", parse("10^-300"))
    assert result.defined and result.decimal == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("typed", "shown"), [("1e-300", "1e-300"), ("-2.5e-20", "-2.5e-20"), ("0.25", "0.25"),
                         ("1/3", "1/3"), ("pi/2", "pi/2")],
)
def test_a_point_is_written_as_a_student_types_it(typed, shown):
    # Audit of 2026-12-01: the derivative table wrote the point 1e-300 as a 301-digit fraction.
    assert point_text(parse(typed)) == shown
