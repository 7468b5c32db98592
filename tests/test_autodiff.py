"""Backprop really run in float64, float32 and float16, against hand calculation and mpmath."""

import dataclasses
import math

import mpmath
import numpy as np
import pytest

from derivcore.autodiff import accuracy, backprop
from derivcore.expressions import parse
from derivcore.graph import computation_graph


@pytest.fixture(autouse=True)
def _fifty_digits():
    # References at 50 digits, without changing mpmath's global precision for other tests.
    with mpmath.workdps(50):
        yield


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_the_neuron_preset_is_exact_in_every_precision(dtype):
    # J = σ(w·x + b) at w = 0.5, x = 2, b = −1: z = 0, σ(0) = 1/2, σ′(0) = 1/4 (by hand), so
    # ∂J/∂w = x/4 = 0.5, ∂J/∂x = w/4 = 0.125, ∂J/∂b = 0.25: powers of two, exact in any precision.
    graph = computation_graph(parse("sigmoid(w*x + b)"), {"w": 0.5, "x": 2, "b": -1})
    result = backprop(graph, dtype)
    assert result.value == 0.5
    assert result.gradient == {"b": 0.25, "w": 0.5, "x": 0.125}
    assert result.problems == ()


@pytest.mark.parametrize(
    "dtype, u", [("float64", 2**-53), ("float32", 2**-24), ("float16", 2**-11)]
)
def test_error_is_rounding_only_about_u_times_the_derivative(dtype, u):
    x = float(np.dtype(dtype).type(1.0))
    graph = computation_graph(parse("sin(w)*exp(w)"), {"w": x})
    exact = float(mpmath.cos(x) * mpmath.exp(x) + mpmath.sin(x) * mpmath.exp(x))
    error = abs(backprop(graph, dtype).derivative("w") - exact)
    assert error <= 8 * u * abs(exact)


def test_float32_result_differs_from_float64():
    graph = computation_graph(parse("sin(w)"), {"w": 1})
    assert backprop(graph, "float32").derivative("w") != backprop(graph, "float64").derivative("w")


def test_float16_overflow_of_an_intermediate_loses_the_derivative():
    # sqrt(w² + 1) at w = 300: w² = 90000 > 65504, the largest float16.
    graph = computation_graph(parse("sqrt(w^2 + 1)"), {"w": 300})
    exact = 300 / math.sqrt(90001)
    assert backprop(graph, "float64").derivative("w") == pytest.approx(exact, rel=1e-15)
    result = backprop(graph, "float16")
    assert result.derivative("w") == 0.0
    assert "overflows" in result.problems[0] and "w^2" in result.problems[0]


def test_float16_underflow_of_an_intermediate_gives_infinity():
    # log(w²) at w = 1e-4: w² = 1e-8 is below float16's smallest number; J′ = 2/w = 20000.
    graph = computation_graph(parse("log(w^2)"), {"w": parse("1e-4")})
    assert backprop(graph, "float64").derivative("w") == pytest.approx(20000, rel=1e-15)
    result = backprop(graph, "float16")
    assert math.isinf(result.derivative("w"))
    assert len(result.problems) == 1 and "underflows" in result.problems[0]


def test_backprop_gives_every_input_in_one_pass():
    # J = (w·x + b − y)² at w = −2, x = 2, b = 8, y = 1: r = 3, ∂J/∂w = 2r·x = 12,
    # ∂J/∂x = 2r·w = −12, ∂J/∂b = 6, ∂J/∂y = −6 (by hand).
    graph = computation_graph(parse("(w*x + b - y)^2"), {"w": -2, "x": 2, "b": 8, "y": 1})
    assert backprop(graph, "float32").gradient == {"b": 6, "w": 12, "x": -12, "y": -6}


def test_unknown_precision_is_refused():
    graph = computation_graph(parse("w^2"), {"w": 3})
    with pytest.raises(ValueError, match="float64"):
        backprop(graph, "float128")


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_a_stationary_point_at_zero_gives_zero(dtype):
    # cos′(0) = −sin 0 = 0 and (w²)′ = 2w = 0 at w = 0, with the point given as the float 0.0.
    for text in ("cos(w)", "w^2"):
        graph = computation_graph(parse(text), {"w": 0.0})
        assert backprop(graph, dtype, {"w": 0.0}).derivative("w") == 0.0


# Whether backprop is exact is judged from the numbers, against mpmath at 50 digits.


def _float_backprop(text, x):
    graph = computation_graph(parse(text), {"w": x})
    return graph, backprop(graph, "float64")


def test_sigmoid_at_40_is_not_called_exact():
    # σ′(40) = e⁻⁴⁰/(1 + e⁻⁴⁰)² ≈ 4.25e-18, but σ(40) rounds to 1 in float64 so σ·(1 − σ) = 0.
    exact = float(mpmath.exp(-40) / (1 + mpmath.exp(-40)) ** 2)
    graph, result = _float_backprop("sigmoid(w)", 40.0)
    assert result.derivative("w") == 0.0
    verdict = accuracy(graph, result, "w", exact)
    assert not verdict.startswith("Exact")
    assert "Not exact" in verdict and "100 %" in verdict
    assert "4.25e-18 but comes out 0" in verdict


def test_sin_w_over_w_at_1e_minus_8_is_cancellation_not_rounding():
    # J′(w) = cos(w)/w − sin(w)/w² = −w/3 + O(w³) ≈ −3.33e-9: two terms of 1e8 cancel.
    w_ = mpmath.mpf(1e-8)
    exact = float(mpmath.cos(w_) / w_ - mpmath.sin(w_) / w_**2)
    graph, result = _float_backprop("sin(w)/w", 1e-8)
    verdict = accuracy(graph, result, "w", exact)
    assert abs(result.derivative("w") - exact) > 0.5 * abs(exact)
    assert "Not exact" in verdict and "Cancellation" in verdict and "2e+08" in verdict


def test_sin_w_over_w_at_1e_minus_300_says_overflow():
    w_ = mpmath.mpf(1e-300)
    exact = float(mpmath.cos(w_) / w_ - mpmath.sin(w_) / w_**2)
    graph, result = _float_backprop("sin(w)/w", 1e-300)
    verdict = accuracy(graph, result, "w", exact)
    assert math.isinf(result.derivative("w"))
    assert "Not exact" in verdict and "overflow" in verdict and "-a/w^2" in verdict


@pytest.mark.parametrize(
    "text, x, derivative",
    [
        ("sin(w)", 1.5707963267948966, mpmath.cos),  # J′ at the float, 6.12e-17
        ("tan(w)", 1.5707, lambda v: 1 / mpmath.cos(v) ** 2),
        ("w^3", 0.0, lambda v: 3 * v**2),
        ("softplus(w)", -40.0, lambda v: 1 / (1 + mpmath.exp(-v))),
    ],
)
def test_exact_up_to_rounding_where_it_is(text, x, derivative):
    exact = float(derivative(mpmath.mpf(x)))
    graph, result = _float_backprop(text, x)
    assert abs(result.derivative("w") - exact) <= 8 * 2**-53 * abs(exact)
    assert accuracy(graph, result, "w", exact).startswith("Exact up to rounding")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softplus_at_minus_40_is_not_called_an_underflow(dtype):
    # softplus(−40) = log(1 + e⁻⁴⁰) ≈ 4.25e-18, far above the smallest float64 (4.9e-324) and
    # float32 (1.4e-45) numbers: 1 + e⁻⁴⁰ rounds to 1 (absorption), nothing underflows.
    assert float(mpmath.log1p(mpmath.exp(-40))) > float(np.finfo(dtype).smallest_subnormal)
    graph = computation_graph(parse("softplus(w)"), {"w": -40.0})
    result = backprop(graph, dtype)
    assert result.problems == ()
    exact = float(1 / (1 + mpmath.exp(40)))  # softplus′ = σ, at −40
    assert result.derivative("w") == pytest.approx(exact, rel=8 * float(np.finfo(dtype).eps))


def test_accuracy_where_j_does_not_use_the_variable():
    # J = (3·log(w))^(w − w) = 1 whatever w: J′ = 0 (by hand), and backprop gives 0 exactly.
    graph = computation_graph(parse("(3*log(w))^(w - w)"), {"w": 2.0})
    result = backprop(graph, "float64", {"w": 2.0})
    assert result.derivative("w") == 0.0
    assert accuracy(graph, result, "w", 0.0).startswith("Exact up to rounding")
    wrong = dataclasses.replace(result, gradient={"w": 1e-20})  # still no node for w
    assert accuracy(graph, wrong, "w", 0.0).startswith("Not exact")
