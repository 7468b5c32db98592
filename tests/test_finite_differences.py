"""Difference quotients computed in the dtype, exactly as the formulas are written."""

import math

import mpmath
import numpy as np
import pytest
import sympy

from derivcore.error_model import breakdown_eps
from derivcore.expressions import parse
from derivcore.finite_differences import (
    complex_step_unavailable,
    difference_quotients,
    finite_difference,
    non_analytic_parts,
)
from derivcore.numeric import compile_function
from derivcore.schemes import SCHEMES

w = sympy.Symbol("w", real=True)


# The lab's arithmetic, as the lab's cells write it (J at the point is an exact integer there).
# The printed lab shows 1.999999999997797 and 12.00600099997823: its transcript dropped a digit
# ("...99997797", "...0999997823" are what Python prints for these very formulas).
LAB = [
    (w**2, 3, 1e-9, ((3 + 0.000000001) ** 2 - (3) ** 2) / 0.000000001, 6.000000496442226),
    (w**2, 3, 0.001, ((3 + 0.001) ** 2 - (3) ** 2) / 0.001, 6.000999999999479),
    (2 * w, 3, 0.001, (2 * (3 + 0.001) - 2 * 3) / 0.001, 1.9999999999997797),
    (w**3, 2, 0.001, ((2 + 0.001) ** 3 - (2) ** 3) / 0.001, 12.006000999997823),
    (1 / w, 2, 0.001, (1 / (2 + 0.001) - 1 / 2) / 0.001, -0.2498750624687629),
    (1 / w**2, 4, 0.001, (1 / (4 + 0.001) ** 2 - 1 / 4**2) / 0.001, -0.031238285155041345),
]


@pytest.mark.parametrize("expr, x, eps, python, printed", LAB, ids=lambda p: str(p))
def test_the_labs_numbers_bit_for_bit(expr, x, eps, python, printed):
    assert python == printed
    assert finite_difference(expr, "w", x, eps) == printed


@pytest.mark.parametrize(
    "expr, python",
    [
        (sympy.exp(w), math.exp),
        (sympy.sin(w), math.sin),
        (sympy.log(w), math.log),
        (sympy.tanh(w), math.tanh),
        (1 / (1 + sympy.exp(-w)), lambda t: 1 / (1 + math.exp(-t))),
        (w**3 - 2 * w, lambda t: t**3 - 2 * t),
    ],
    ids=str,
)
def test_float64_is_the_plain_python_formula_for_every_scheme(expr, python):
    f = python
    for x, eps in [(0.7, 1e-3), (1.3, 1e-7), (2.9, 3.3e-11)]:
        assert finite_difference(expr, "w", x, eps, "forward") == (f(x + eps) - f(x)) / eps
        assert finite_difference(expr, "w", x, eps, "backward") == (f(x) - f(x - eps)) / eps
        assert finite_difference(expr, "w", x, eps, "central") == (f(x + eps) - f(x - eps)) / (
            2 * eps
        )
        assert finite_difference(expr, "w", x, eps, "five_point") == (
            f(x - 2 * eps) - 8 * f(x - eps) + 8 * f(x + eps) - f(x + 2 * eps)
        ) / (12 * eps)


def test_float32_is_computed_in_float32():
    x, e = np.float32(0.7), np.float32(1e-3)
    by_hand = (np.exp(x + e) - np.exp(x - e)) / (np.float32(2) * e)
    assert by_hand.dtype == np.float32
    assert finite_difference(sympy.exp(w), "w", 0.7, 1e-3, "central", "float32") == by_hand
    by_hand = ((x + e) * (x + e) - x * x) / e
    assert finite_difference(w**2, "w", 0.7, 1e-3, "forward", "float32") == by_hand
    # and it is not the float64 answer rounded: float32 really loses digits here
    assert abs(float(by_hand) - 1.401) > 1e-5


def test_float16_is_computed_in_float16():
    x, e = np.float16(3), np.float16(1e-3)
    assert float(e) == 0.0010004043579101562  # ε itself is rounded
    f = [(x + k * e) * (x + k * e) for k in (-2, -1, 1, 2)]
    by_hand = (f[0] - np.float16(8) * f[1] + np.float16(8) * f[2] - f[3]) / (np.float16(12) * e)
    assert by_hand.dtype == np.float16
    assert finite_difference(w**2, "w", 3, 1e-3, "five_point", "float16") == float(by_hand)
    forward = ((x + e) * (x + e) - x * x) / e
    assert finite_difference(w**2, "w", 3, 1e-3, "forward", "float16") == float(forward)
    assert float(forward) != 6.0


def test_complex_step_in_complex128_and_complex64():
    with mpmath.workdps(50):
        exact = mpmath.exp(mpmath.mpf(1.5))
        k = finite_difference(sympy.exp(w), "w", 1.5, 1e-20, "complex_step")
        assert abs(k - exact) <= 2.0**-52 * exact  # machine precision, no subtraction
    z = np.complex64(np.float32(1.5) + 1j * np.float32(1e-3))
    by_hand = np.exp(np.array([z])).imag[0] / np.float32(1e-3)
    assert finite_difference(sympy.exp(w), "w", 1.5, 1e-3, "complex_step", "float32") == by_hand


def test_complex_step_where_it_does_not_apply():
    with pytest.raises(ValueError, match="float16"):
        finite_difference(w**2, "w", 1, 1e-3, "complex_step", "float16")
    float16_square = compile_function(w**2, "w", "float16")
    with pytest.raises(ValueError, match="float16"):
        difference_quotients(float16_square, 1, np.array([1e-3]), "complex_step", "float16")
    with pytest.raises(ValueError, match="abs"):
        finite_difference(sympy.Abs(w), "w", 1, 1e-3, "complex_step")
    relu = sympy.Max(0, w)
    assert "max" in complex_step_unavailable(relu, "float64")
    assert complex_step_unavailable(sympy.exp(w), "float32") is None
    assert non_analytic_parts(sympy.Abs(w) + sympy.sign(w)) == ["abs", "sign"]
    # sqrt(−1 + 0i) = i: J is not real at x, so no k (rather than a wrong one)
    assert math.isnan(finite_difference(sympy.sqrt(w), "w", -1, 1e-8, "complex_step"))


@pytest.mark.parametrize("eps", [0, -1e-3, math.nan, math.inf, -math.inf, "abc", None, True])
def test_invalid_eps_is_refused_with_a_clear_message(eps):
    with pytest.raises(ValueError, match="^ε must be a positive number.$"):
        finite_difference(w**2, "w", 3, eps)


def test_invalid_point_scheme_and_dtype_are_refused():
    with pytest.raises(ValueError, match="finite"):
        finite_difference(w**2, "w", math.inf, 1e-3)
    with pytest.raises(ValueError, match="five_point"):
        finite_difference(w**2, "w", 3, 1e-3, scheme="sideways")
    with pytest.raises(ValueError, match="float16"):
        finite_difference(w**2, "w", 3, 1e-3, dtype="float8")


def test_outside_the_domain_is_nan_never_an_exception():
    # sqrt at 0.001: x − ε < 0 for ε = 0.01
    assert math.isnan(finite_difference(sympy.sqrt(w), "w", 1e-3, 0.01, "backward"))
    assert math.isnan(finite_difference(sympy.sqrt(w), "w", 1e-3, 0.01, "central"))
    forward = finite_difference(sympy.sqrt(w), "w", 1e-3, 0.01, "forward")
    assert forward == (math.sqrt(1e-3 + 0.01) - math.sqrt(1e-3)) / 0.01
    assert math.isnan(finite_difference(sympy.log(w), "w", -1, 1e-3))
    # central never looks at f(0), but at a pole of J its "k = 10⁶" estimates nothing
    assert math.isnan(finite_difference(1 / w, "w", 0, 1e-3, "central"))
    assert math.isnan(finite_difference(sympy.exp(w), "w", 12, 1e-3, "forward", "float16"))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_plateau_below_the_breakdown_step(dtype):
    for x in [3.0, 1.0, 0.1, 7.5]:
        limit = breakdown_eps(x, "forward", dtype)
        assert finite_difference(sympy.exp(w), "w", x, limit, "forward", dtype) == 0.0
        assert finite_difference(sympy.exp(w), "w", x, limit / 3, "forward", dtype) == 0.0
        # one float more and x + ε is the next number after x (J = w shows the step itself)
        above = float(np.nextafter(limit, math.inf))
        assert finite_difference(w, "w", x, above, "forward", dtype) > 0


def test_step_trick_divides_by_the_step_really_taken():
    x, eps = 0.1, 1e-9
    h = (x + eps) - x
    assert h != eps
    k = finite_difference(w**2, "w", x, eps, "forward", step_trick=True)
    assert k == ((x + h) ** 2 - x**2) / h
    assert abs(k - 0.2) < abs(finite_difference(w**2, "w", x, eps, "forward") - 0.2)
    # x + iε rounds nothing, so the complex step is the same with or without the trick
    for tiny in [1e-20, 1e-300]:
        assert finite_difference(sympy.exp(w), "w", 1, tiny, "complex_step", step_trick=True) == (
            finite_difference(sympy.exp(w), "w", 1, tiny, "complex_step")
        )


# NumPy has no complex type built on float16, so the complex step has no float16 case
# (test_complex_step_where_it_does_not_apply checks that both paths refuse it).
@pytest.mark.parametrize(
    ("scheme", "dtype"),
    [
        (scheme, dtype)
        for scheme in SCHEMES
        for dtype in ("float64", "float32", "float16")
        if (scheme, dtype) != ("complex_step", "float16")
    ],
)
def test_vectorised_quotients_equal_the_single_ones(scheme, dtype):
    expr = sympy.sin(w) * sympy.exp(w)
    function_dtype = (
        {"float64": "complex128", "float32": "complex64"}.get(dtype, dtype)
        if scheme == "complex_step"
        else dtype
    )
    eps = np.logspace(-12, -1, 23)
    many = difference_quotients(
        compile_function(expr, "w", function_dtype), 0.9, eps, scheme, dtype
    )
    assert many.dtype == np.dtype(dtype)
    singles = [finite_difference(expr, "w", 0.9, e, scheme, dtype) for e in eps]
    np.testing.assert_array_equal(many.astype(np.float64), singles)


@pytest.mark.parametrize(("text", "x"), [("sqrt(w)", 0.0), ("w^(3/2)", 0.0), ("sqrt(w - 2)", 2.0)])
def test_the_complex_step_refuses_a_branch_point(text, x):
    # sqrt at 0: Im √(iε)/ε = 1/√(2ε) (7.1e4 at ε = 1e-10), a number that is no slope at all.
    with pytest.raises(ValueError, match="analytic around"):
        finite_difference(parse(text), "w", x, 1e-10, "complex_step")
    # Away from the branch point it still works: √w′(1) = 1/2.
    assert finite_difference(parse("sqrt(w)"), "w", 1.0, 1e-10, "complex_step") == 0.5
