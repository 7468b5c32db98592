"""A function made ready once per text: parsed, differentiated and simplified, under a time bound.

Everything interactive afterwards (moving the point or ε) is numeric work on this object, so it is
built once per (text, variable) and shared.
"""

from dataclasses import dataclass
from functools import cached_property

import sympy

from derivcore.bounded import run_bounded
from derivcore.expressions import ExpressionError, free_variable_names, parse
from derivcore.symbolic import derivative, simplified, to_latex

SIMPLIFY_SECONDS = 1.0


@dataclass(frozen=True)
class PreparedFunction:
    """J and dJ/dvar: `derivative` as SymPy's diff first returns it, `derivative_simplified` for
    display."""

    text: str
    expr: sympy.Expr
    var: str
    variables: tuple[str, ...]
    derivative: sympy.Expr
    derivative_simplified: sympy.Expr

    # Computed once per function, not on every rerun (the object is shared through a cache).
    @cached_property
    def latex(self) -> str:
        return to_latex(self.expr)

    @cached_property
    def derivative_latex(self) -> str:
        return to_latex(self.derivative_simplified)


def default_variable(variables: list[str]) -> str:
    """w when J has it (the lab's variable), else the first name; w for a constant J."""
    if "w" in variables or not variables:
        return "w"
    return variables[0]


def variables_of(text: str) -> list[str]:
    """The variable names in J, in order (raises ExpressionError for text we refuse)."""
    return free_variable_names(parse(text))


def prepare(text: str, var: str | None = None) -> PreparedFunction:
    """Parse `text` and differentiate it by `var`; raises ExpressionError or WorkTimeout."""
    expr = parse(text)
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError(
            "This J is undefined everywhere: somewhere it divides by zero (like 1/0) or takes "
            "an infinite value. Change that part of the formula.",
            None,
        )
    variables = tuple(free_variable_names(expr))
    var = var if var in variables else default_variable(list(variables))
    raw, display = differentiate(expr, var)
    return PreparedFunction(text, expr, var, variables, raw, display)


def differentiate(expr: sympy.Expr, var: str, order: int = 1) -> tuple[sympy.Expr, sympy.Expr]:
    """d^order J / d var^order as SymPy's diff returns it, and simplified for display; both under
    the time bound (raises WorkTimeout, or ValueError for an order outside 1..10)."""
    raw = run_bounded(derivative, expr, var, order)
    # Simplifying is only for display: give it less time, so one hard input holds a worker for
    # at most 3 s in all, and fall back to SymPy's own form.
    return raw, simplified(raw, timeout=SIMPLIFY_SECONDS)
