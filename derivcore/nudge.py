"""The lab's nudge: J(w), J(w + ε) and k = (J(w + ε) − J(w))/ε in float64, printed as Python
prints them. `nudged` is the one place the nudge is computed: the overview, the secant on the
curve, the lab's cells and the chain-rule page's check all call it."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from derivcore.finite_differences import validate_eps, validate_point
from derivcore.numeric import compile_function
from derivcore.point_values import derivative_at
from derivcore.schemes import FORWARD


@dataclass(frozen=True)
class Nudge:
    """One forward-difference nudge at x with step eps, all in float64 like the lab's Python."""

    x: float
    eps: float
    j: float
    j_eps: float
    k: float

    @property
    def x_eps(self) -> float:
        """x + ε as the float the lab's Python computes."""
        return self.x + self.eps

    def error(self, derivative: float) -> float:
        """|k − J′(x)|: how far the nudge is from the true slope."""
        return abs(self.k - derivative)


def nudged(evaluate: Callable[[float], float], x: float, eps: float) -> Nudge:
    """J(x), J(x + ε) and k = (J(x + ε) − J(x))/ε in Python floats (the forward scheme's
    formula, in its order), with J given as a float function. Values are returned as `evaluate`
    returns them (the lab's J = (3)**2 stays the int 9)."""
    j, j_eps = evaluate(x), evaluate(x + eps)
    return Nudge(x, eps, j, j_eps, FORWARD.combine({0: j, 1: j_eps}.__getitem__, eps))


def nudge(expr: sympy.Expr, var: str, x: float, eps: float, values=None) -> Nudge:
    """J(x), J(x + eps) and the forward difference quotient k, exactly as the lab computes them.
    Raises ValueError, as `finite_difference` does, for ε that is not a positive number or a
    point that is not a finite float."""
    x, eps = validate_point(x), validate_eps(eps)
    evaluate = compile_function(expr, var, "float64", values)
    with np.errstate(all="ignore"):
        return nudged(lambda v: float(evaluate(np.float64(v))), x, eps)


@dataclass(frozen=True)
class Comparison:
    """The lab's comparison at one point: the exact J'(point) from `subs` against the nudge k."""

    point: sympy.Expr
    exact: str
    decimal: float | None
    k: float | None
    error: float | None
    message: str


def compare_at_points(
    expr, var: str, points, eps: float | None, values=None, exact_values=None
) -> list[Comparison]:
    """For each point: J'(point) exactly and as a decimal, k for step eps, and |k − J'(point)|.

    `exact_values`, when given, are the `derivative_at` results for `points` (the app passes
    cached ones, so moving ε does no symbolic work)."""
    if exact_values is None:
        exact_values = [derivative_at(expr, var, point, values) for point in points]
    rows = []
    for point, value in zip(points, exact_values, strict=True):
        n = nudge(expr, var, float(point), eps, values) if eps is not None else None
        k = n.k if n else None
        error = n.error(value.decimal) if value.defined and n else None
        exact = str(value.exact) if value.defined and value.exact is not None else "—"
        rows.append(Comparison(point, exact, value.decimal, k, error, value.message))
    return rows
