"""Symbolic derivatives, their display form, and LaTeX.

`derivative` is plain `sympy.diff`; for user input, call it through `run_bounded` (a 10th
derivative of a nested function can take minutes). `simplified` bounds its own SymPy work with
`derivcore.bounded.run_bounded`. Values at a point are in `point_values`.
"""

from numbers import Integral

import sympy

from derivcore.bounded import (
    WorkTimeout,
    run_bounded,
)
from derivcore.symbols import symbol_for

MAX_ORDER = 10

def derivative(expr: sympy.Expr, var: str = "w", order: int = 1) -> sympy.Expr:
    """d^order expr / d var^order, as `sympy.diff` gives it (order from 1 to 10).

    With several variables this is the partial derivative with respect to `var`.
    """
    if isinstance(order, bool) or not isinstance(order, Integral) or not 1 <= order <= MAX_ORDER:
        raise ValueError(f"The derivative order must be a whole number from 1 to {MAX_ORDER}.")
    return sympy.diff(expr, symbol_for(expr, var), int(order))


# --- display form ---------------------------------------------------------------------------


def _function_kinds(expr: sympy.Expr) -> set[type]:
    return {type(f) for f in expr.atoms(sympy.Function)}


def simplest_form(expr: sympy.Expr) -> sympy.Expr:
    """The candidate with the fewest operations among expr, simplify, factor and cancel.

    Candidates that bring in functions the expression did not have are skipped: simplify turns
    the sigmoid's derivative into 1/(4 cosh(w/2)^2) and |w|'s into a Piecewise, both shorter but
    further from what a student wrote. Ties keep the earlier candidate (the plain form first).
    A number gets simplify alone: factor and cancel regroup polynomials in variables, and on a
    number such as e^(1/10) they only cost time.
    """
    kinds = _function_kinds(expr)
    best, best_ops = expr, sympy.count_ops(expr)
    transforms = (
        (sympy.simplify,) if expr.is_number else (sympy.simplify, sympy.factor, sympy.cancel)
    )
    for transform in transforms:
        try:
            candidate = transform(expr)
        except Exception:  # a transform that cannot handle this expression just does not compete
            continue
        if not _function_kinds(candidate) <= kinds:
            continue
        ops = sympy.count_ops(candidate)
        if ops < best_ops:
            best, best_ops = candidate, ops
    return best


def simplified(expr: sympy.Expr, timeout: float = 2.0) -> sympy.Expr:
    """A shorter equal form of `expr` for display, or `expr` itself if that takes over `timeout`
    seconds (the work runs in a worker process that is stopped then)."""
    try:
        return run_bounded(simplest_form, expr, timeout=timeout)
    except WorkTimeout:
        return expr


def to_latex(expr: sympy.Expr) -> str:
    """LaTeX for `expr`: e^{-w} for exp, |w| for Abs, fractions as \\frac."""
    return sympy.latex(expr)


