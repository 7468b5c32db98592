"""compile_function really computes in the requested dtype; constants are rounded once."""

import math
import threading
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from derivcore import numeric, precise
from derivcore.numeric import compile_function, round_to_dtype
from derivcore.precise import mp_context, precise_function, precise_value

w = sympy.Symbol("w", real=True)
v = sympy.Symbol("v", real=True)

REAL_EXPRESSIONS = [
    w**2,
    2 * w,
    w**3,
    1 / w,
    1 / w**2,
    3 / w**2,
    w / 3,
    w + sympy.Rational(1, 10),
    sympy.pi * w / 2,
    sympy.sqrt(2) * w,
    sympy.exp(2) + w,
    sympy.log(2) * w,
    sympy.E**w,
    1 / (1 + sympy.exp(-w)),
    sympy.log(1 + sympy.exp(w)),
    sympy.tanh(w),
    sympy.sin(w) * w,
    sympy.sqrt(w),
    1 / sympy.sqrt(w),
    w ** sympy.Rational(1, 3),
    2**w,
    sympy.Max(0, w),
    sympy.Abs(w - 1),
    sympy.Heaviside(w),
    sympy.Piecewise((w, w > 1), (w**2, True)),
    sympy.asin(w / 4),
    sympy.atan(w) - sympy.pi / 4,
    sympy.exp(-sympy.pi * w**2),
]
ANALYTIC = [
    e for e in REAL_EXPRESSIONS if not e.has(sympy.Abs, sympy.Max, sympy.Heaviside, sympy.Piecewise)
]
POINTS = np.array([0.25, 0.5, 1.0, 1.5, 3.0])


def nearest(value: Fraction, dtype) -> float:
    """The number of `dtype` nearest to an exact rational, found by brute neighbourhood search."""
    guess = np.dtype(dtype).type(float(value))
    candidates = [
        np.nextafter(guess, -np.inf, dtype=guess.dtype),
        guess,
        np.nextafter(guess, np.inf, dtype=guess.dtype),
    ]
    return float(min(candidates, key=lambda c: abs(Fraction(float(c)) - value)))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("expr", REAL_EXPRESSIONS, ids=str)
def test_generated_code_stays_in_the_real_dtype(expr, dtype):
    # The raw generated function, before any cast: a float64 constant would upcast here.
    raw = numeric._lambdified(expr, "w", dtype)
    with np.errstate(all="ignore"):
        result = np.asarray(raw(POINTS.astype(dtype)))
    assert result.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
@pytest.mark.parametrize("expr", ANALYTIC, ids=str)
def test_generated_code_stays_in_the_complex_dtype(expr, dtype):
    raw = numeric._lambdified(expr, "w", dtype)
    with np.errstate(all="ignore"):
        result = np.asarray(raw((POINTS + 1e-3j).astype(dtype)))
    assert result.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "complex128", "complex64"])
def test_every_evaluation_returns_the_requested_dtype_and_shape(dtype):
    for expr in [sympy.Integer(5), sympy.pi, w**2, sympy.exp(w)]:
        result = compile_function(expr, "w", dtype)(np.array([[1.0, 2.0], [3.0, 4.0]]))
        assert result.dtype == np.dtype(dtype)
        assert result.shape == (2, 2)


def test_float32_arithmetic_matches_numpy_done_by_hand():
    x = np.array([0.3, 0.7, 1.9], dtype=np.float32)
    third = np.float32(nearest(Fraction(1, 3), "float32"))
    by_hand = np.sin(x) * x + third
    assert by_hand.dtype == np.float32
    computed = compile_function(sympy.sin(w) * w + sympy.Rational(1, 3), "w", "float32")(x)
    np.testing.assert_array_equal(computed, by_hand)
    sigmoid = compile_function(1 / (1 + sympy.exp(-w)), "w", "float32")(x)
    np.testing.assert_array_equal(sigmoid, np.float32(1) / (np.float32(1) + np.exp(-x)))


def test_float16_arithmetic_matches_numpy_done_by_hand():
    x = np.array([0.3, 0.7, 1.9, 3.0], dtype=np.float16)
    by_hand = (x + np.float16(1)) * (x + np.float16(1)) / x
    computed = compile_function((w + 1) ** 2 / w, "w", "float16")(x)
    assert computed.dtype == np.float16
    np.testing.assert_array_equal(computed, by_hand)
    # float16 really loses digits: 1/3 in float16 is 0.333251953125.
    assert compile_function(1 / w, "w", "float16")(np.array([3.0]))[0] == 0.333251953125


def test_constants_are_rounded_once_to_the_target_precision():
    tenth = compile_function(w + sympy.Rational(1, 10), "w", "float32")(np.zeros(1))[0]
    assert float(tenth) == nearest(Fraction(1, 10), "float32")
    with mpmath.workprec(24):
        pi32 = float(+mpmath.pi)
    assert float(compile_function(w + sympy.pi, "w", "float32")(np.zeros(1))[0]) == pi32
    with mpmath.workprec(11):
        pi16 = float(+mpmath.pi)
    assert pi16 == 3.140625
    assert float(compile_function(w + sympy.pi, "w", "float16")(np.zeros(1))[0]) == pi16


def test_round_to_dtype_of_exact_and_float_values():
    assert round_to_dtype(sympy.Rational(1, 3), "float64") == 1 / 3
    assert round_to_dtype(sympy.Rational(1, 10), "float16") == nearest(Fraction(1, 10), "float16")
    assert round_to_dtype(0.1, "float32") == float(np.float32(0.1))
    assert round_to_dtype(sympy.sqrt(2), "float64") == math.sqrt(2)
    assert round_to_dtype(10**6, "float16") == math.inf
    assert math.isnan(round_to_dtype(sympy.I, "float64"))
    assert round_to_dtype(sympy.Integer(3), "complex64") == 3.0
    with pytest.raises(ValueError, match="float128"):
        round_to_dtype(1.0, "float128")


def test_round_to_dtype_rounds_once_with_ties_to_even_and_subnormals():
    # exact ties go to the even neighbour
    assert round_to_dtype(1 + sympy.Rational(1, 2**24), "float32") == 1.0
    assert round_to_dtype(1 + sympy.Rational(3, 2**24), "float32") == 1 + 2.0**-22
    # just above the tie 2.5·2⁻²⁴ between the float16 subnormals 2·2⁻²⁴ and 3·2⁻²⁴: the
    # nearest is 3·2⁻²⁴, but via float64 it would become the tie and round (to even) to 2·2⁻²⁴
    above_tie = sympy.Rational(5 * 2**59 + 1, 2**84)
    assert float(np.float16(float(above_tie))) == 2 * 2.0**-24
    assert round_to_dtype(above_tie, "float16") == 3 * 2.0**-24
    assert round_to_dtype(sympy.Rational(1, 100000), "float16") == nearest(
        Fraction(1, 100000), "float16"
    )
    assert round_to_dtype(sympy.Rational(1, 3), "float16") == nearest(Fraction(1, 3), "float16")


@pytest.mark.parametrize(
    "expr, python",
    [
        (sympy.exp(w), math.exp),
        (sympy.tanh(w), math.tanh),
        (sympy.log(w), math.log),
        (w**3, lambda t: t**3),
        (1 / w**2, lambda t: 1 / t**2),
        (sympy.sin(w) / w, lambda t: math.sin(t) / t),
        (1 / (1 + sympy.exp(-w)), lambda t: 1 / (1 + math.exp(-t))),
        (sympy.atan(w) * sympy.cosh(w), lambda t: math.atan(t) * math.cosh(t)),
    ],
    ids=str,
)
def test_float64_is_python_float_arithmetic_bit_for_bit(expr, python):
    # NumPy's own exp/tanh/power differ from the C library in the last bit for a few percent of
    # arguments on some CPUs; float64 here must be what the plain Python formula gives.
    points = np.random.default_rng(7).uniform(0.05, 5.0, 3000)
    computed = compile_function(expr, "w", "float64")(points)
    expected = np.array([python(float(t)) for t in points])
    np.testing.assert_array_equal(computed, expected)


def test_outside_the_domain_gives_nan_without_warnings_or_exceptions():
    points = np.array([-1.0, 0.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dtype in ["float64", "float32", "float16"]:
            root = compile_function(sympy.sqrt(w), "w", dtype)(points)
            assert math.isnan(root[0]) and root[1] == 0 and root[2] == 2
            log = compile_function(sympy.log(w), "w", dtype)(points)
            assert math.isnan(log[0]) and log[1] == -math.inf
            assert compile_function(1 / w, "w", dtype)(points)[1] == math.inf
        assert compile_function(sympy.exp(w), "w", "float64")(np.array([1000.0]))[0] == math.inf
        assert math.isnan(compile_function(w ** sympy.Rational(1, 3), "w")(points)[0])


def test_other_variables_take_their_values_in_the_dtype():
    function = compile_function(w * v + v**2, "w", "float32", values={"v": 0.1})
    v32 = np.float32(0.1)
    x = np.array([2.0], dtype=np.float32)
    np.testing.assert_array_equal(function(x), x * v32 + v32 * v32)
    with pytest.raises(ValueError, match="v"):
        compile_function(w * v, "w")


def test_compiled_code_is_cached_per_expression_and_dtype():
    expr = sympy.cos(w) + w**5
    before = numeric._lambdified.cache_info().hits
    compile_function(expr, "w", "float32")
    compile_function(expr, "w", "float32", values={"unused": 1.0})
    assert numeric._lambdified.cache_info().hits == before + 1
    assert numeric._lambdified.cache_info().maxsize == 64


def test_precise_function_and_domain_in_high_precision():
    context = mp_context(50)
    function = precise_function(sympy.sqrt(w), "w")
    value = precise_value(function, context, context.mpf(2))
    with mpmath.workdps(60):
        assert abs(value - mpmath.sqrt(2)) < mpmath.mpf(10) ** -49
    assert context.isnan(precise_value(function, context, context.mpf(-1)))
    assert context.isnan(precise_value(precise_function(1 / w, "w"), context, context.mpf(0)))


def test_each_thread_has_its_own_precision():
    mp_context(30)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(mp_context(200).dps))
    thread.start()
    thread.join()
    assert seen == [200]
    assert precise._ThreadMpmath.context().dps == 30
    assert mpmath.mp.dps == 15  # the global context is never touched
