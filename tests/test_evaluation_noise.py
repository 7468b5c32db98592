"""The rounding bound ε_J of J's float64 value, against hand calculation and 50-digit mpmath."""

import mpmath
import numpy as np
import pytest
import sympy

from derivcore.evaluation_noise import evaluation_noise
from derivcore.expressions import parse
from derivcore.graph import computation_graph
from derivcore.numeric import compile_function

U = 2.0**-53


def test_the_bound_of_log_one_plus_w_squared_by_hand():
    # Nodes w², 1 + w², log: each ∂J/∂node is 1/(1 + w²) for the first two and 1 for J, so
    # ε_J = 2u·(0.09/1.09 + 1.09/1.09 + log 1.09) at w = 0.3 (≈ 2.34u, far above u·|J| = 0.086u).
    with mpmath.workdps(50):
        w = mpmath.mpf(0.3)
        expected = 2 * U * float(w**2 / (1 + w**2) + 1 + mpmath.log(1 + w**2))
    graph = computation_graph(parse("log(1 + w^2)"), {"w": 0.3})
    assert evaluation_noise(graph) == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    "text",
    [
        "log(1 + w^2)",
        "sin(w^2)",
        "log(2 + sin(3*w + 0.5))",
        "exp(w)*cos(w)",
        "sqrt(1 + w^2) - w",
        "sigmoid(3*w)",
        "softplus(2*w - 1)",
    ],
)
def test_the_bound_holds_for_the_float64_values_the_automatic_step_uses(text):
    # J computed in float64 (the app's compiled function) at 60 points, against J at those
    # floats from SymPy at 50 digits: never further off than ε_J there.
    expr = parse(text)
    f = compile_function(expr, "w", "float64")
    symbol = sorted(expr.free_symbols, key=str)[0]
    points = np.linspace(0.05, 3.0, 60)
    computed = f(points)
    for x, value in zip(points, computed, strict=True):
        exact = float(expr.subs(symbol, sympy.Rational(float(x))).evalf(50))
        noise = evaluation_noise(computation_graph(expr, {"w": float(x)}))
        assert abs(value - exact) <= noise


def test_j_losing_digits_in_its_formula_has_a_bound_far_above_u_times_j():
    # log(2 + sin(3w + 0.5)) at 1.375 is 0.0038, but 2 + sin(…) ≈ 1.004 is rounded before the log.
    graph = computation_graph(parse("log(2 + sin(3*w + 0.5))"), {"w": 1.375})
    assert evaluation_noise(graph) > 100 * U * abs(graph.value)
