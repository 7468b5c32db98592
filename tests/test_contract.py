"""The names outside checks use, through `import derivcore`, on the lab's own examples."""

import math

import numpy as np
import sympy

import derivcore


def test_the_labs_derivatives_through_the_package():
    w = sympy.Symbol("w", real=True)
    J = derivcore.parse("1/w^2")
    assert w**-2 == J
    # d/dw w^-2 = -2 w^-3; at 4 that is -1/32 (by hand); the second derivative 6 w^-4 at 1 is 6.
    assert derivcore.derivative(J, "w").subs(w, 4) == sympy.Rational(-1, 32)
    assert derivcore.derivative(J, "w", order=2).subs(w, 1) == 6


def test_the_labs_nudge_through_the_package():
    w2 = derivcore.parse("w^2")
    assert derivcore.finite_difference(w2, "w", 3, 1e-9) == 6.000000496442226
    inverse_square = derivcore.parse("1/w^2")
    assert derivcore.finite_difference(inverse_square, "w", 4, 0.001) == -0.031238285155041345
    assert math.isnan(derivcore.finite_difference(derivcore.parse("log(w)"), "w", -1, 1e-3))


def test_sweep_errors_are_aligned_with_eps():
    eps = np.logspace(-12, -1, 23)
    sweep = derivcore.error_sweep(
        derivcore.parse("exp(w)"), "w", 1.0, eps, ["central"], ["float64"]
    )
    error = sweep.abs_error("central", "float64")
    assert error.shape == eps.shape
    # At ε = 0.1 the central error is e·ε²/6 to first order (by hand): 4.53e-3.
    assert abs(error[-1] / (math.e * 0.01 / 6) - 1) < 0.01


def test_refusals_are_expression_errors_with_a_message():
    try:
        derivcore.parse("__import__('os')")
    except derivcore.ExpressionError as err:
        assert isinstance(err, ValueError) and err.message
    else:
        raise AssertionError("the parser accepted Python code")


def test_steps_answers_and_graphs_through_the_package():
    J = derivcore.parse("sin(w^2)")
    assert [s.rule for s in derivcore.derivative_steps(J, "w")][:2] == ["chain", "trig"]
    assert derivcore.check_answer(J, "2w cos(w^2)").correct
    assert not derivcore.check_answer(J, "cos(w^2)").correct
    graph = derivcore.computation_graph(derivcore.parse("(2 + 3w)^2"), {"w": 1})
    # J = 25 and dJ/dw = 2·5·3 = 30 at w = 1 (by hand).
    assert graph.value == 25 and graph.gradient() == {"w": 30}
