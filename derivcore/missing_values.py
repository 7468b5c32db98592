"""Why a value of J or of k is missing, in words: the parts of J that can be undefined (poles,
logs and roots of negatives, arcsin beyond ±1, ...), overflow, and where along the ε axis.
"""

from __future__ import annotations

import numpy as np
import sympy

from derivcore.numeric import Values, compile_function
from derivcore.precise import PrecisionLimit, mp_context, precise_function, precise_value
from derivcore.reference import TAYLOR_DIGITS
from derivcore.symbols import symbol_for


def range_text(mask: np.ndarray, eps: np.ndarray) -> str:
    """Where `mask` holds, in words: "for ε ≥ 0.001", "for ε ≤ 3e-08", "for 12 values of ε ..."."""
    order = np.argsort(eps)
    inside, sorted_eps = mask[order], eps[order]
    chosen = sorted_eps[inside]
    if inside.all():
        return "for every ε"
    first, last = np.flatnonzero(inside)[[0, -1]]
    contiguous = last - first + 1 == inside.sum()
    if contiguous and last == len(inside) - 1:
        return f"for ε ≥ {chosen[0]:.3g}"
    if contiguous and first == 0:
        return f"for ε ≤ {chosen[-1]:.3g}"
    if contiguous:
        return f"for {chosen[0]:.3g} ≤ ε ≤ {chosen[-1]:.3g}"
    return f"for {inside.sum()} values of ε between {chosen[0]:.3g} and {chosen[-1]:.3g}"


def arm_text(var: str, offset) -> str:
    if offset == "complex":
        return f"{var} + iε"
    if offset == 0:
        return var
    size = "ε" if abs(offset) == 1 else f"{abs(offset)}ε"
    return f"{var} {'+' if offset > 0 else '−'} {size}"


def domain_checks(expr: sympy.Expr) -> list[tuple[sympy.Expr, str, str]]:
    """(argument, condition, function name) for the parts of J that can be undefined.

    Conditions: "negative" (sqrt, fractional powers, log), "zero" (poles, log 0),
    "outside [−1, 1]" (asin, acos), "below 1" (acosh), "outside (−1, 1)" (atanh).
    """
    checks = []
    for node in sympy.preorder_traversal(expr):
        if node.is_number:
            continue
        if isinstance(node, sympy.Pow) and node.exp.is_number:
            if not node.exp.is_integer:
                name = "sqrt" if abs(node.exp) == sympy.S.Half else "a fractional power"
                checks.append((node.base, "negative", name))
            if node.exp.is_negative:
                checks.append((node.base, "zero", "1/u"))
        elif isinstance(node, sympy.log):
            checks += [(node.args[0], "negative", "log"), (node.args[0], "zero", "log")]
        elif isinstance(node, (sympy.asin, sympy.acos)):
            checks.append((node.args[0], "outside [−1, 1]", type(node).__name__))
        elif isinstance(node, sympy.acosh):
            checks.append((node.args[0], "below 1", "acosh"))
        elif isinstance(node, sympy.atanh):
            checks.append((node.args[0], "outside (−1, 1)", "atanh"))
    return checks


_DOMAIN_WORDS = {
    "negative": "< 0 leaves",
    "outside [−1, 1]": "leaves [−1, 1],",
    "below 1": "< 1 leaves",
    "outside (−1, 1)": "leaves (−1, 1),",
}


def cause_text(argument, condition: str, name: str, is_var: bool, arm: str) -> str:
    if is_var and condition in _DOMAIN_WORDS:
        return f"{arm} {_DOMAIN_WORDS[condition]} the domain of {name}"
    if condition == "zero":
        if name == "log":
            return (
                f"{arm} = 0 gives log(0) = −∞"
                if is_var
                else f"at {arm} the argument of log, {argument}, is 0 (log 0 = −∞)"
            )
        return (
            f"{arm} = 0 hits a pole (division by zero)"
            if is_var
            else f"at {arm} the denominator {argument} is 0 (a pole)"
        )
    return f"at {arm} the argument of {name}, {argument}, is {condition}"


def causes(
    expr: sympy.Expr,
    var: str,
    values: Values,
    parameters: tuple,
    points,
    offset,
    dtype: str,
    bad: np.ndarray,
) -> list[tuple[np.ndarray, str]]:
    """Split the ε where J(x + offset·ε) (at `points`, in `dtype`) is not finite by cause:
    [(mask, sentence)]. `parameters` are J's other variables as float64."""
    arm = arm_text(var, offset)
    if offset == "complex":
        return [(bad, f"J({arm}) is not a finite number")]
    points = np.broadcast_to(points, bad.shape)
    symbol = symbol_for(expr, var)
    remaining = bad.copy()
    found = []
    for argument, condition, name in domain_checks(expr):
        with np.errstate(all="ignore"):
            value = np.broadcast_to(
                compile_function(argument, var, dtype, values)(points), bad.shape
            )
            hit = {
                "negative": value < 0,
                "zero": value == 0,
                "outside [−1, 1]": np.abs(value) > 1,
                "below 1": value < 1,
                "outside (−1, 1)": np.abs(value) >= 1,
            }[condition]
        mask = remaining & hit
        if mask.any():
            found.append((mask, cause_text(argument, condition, name, argument == symbol, arm)))
            remaining &= ~mask
    if remaining.any():
        with np.errstate(all="ignore"):
            wide = compile_function(expr, var, "float64", values)(points)
        largest = float(np.finfo(dtype).max)
        exact = exact_kind(expr, var, parameters, points, remaining, dtype)
        overflow = remaining & (np.isfinite(wide) | (exact == "finite"))
        if overflow.any():
            found.append((overflow, f"J({arm}) overflows {dtype} (largest {largest:g})"))
            remaining &= ~overflow
        if remaining.any() and exact in ("huge", "inside"):
            found.append(
                (remaining, f"a value inside J({arm}) overflows {dtype} (largest {largest:g})")
            )
            remaining &= ~remaining
        if remaining.any():
            found.append((remaining, f"J({arm}) is not a finite number"))
    return found


def exact_kind(
    expr: sympy.Expr, var: str, parameters: tuple, points: np.ndarray, where: np.ndarray, dtype: str
) -> str:
    """What J is at these points in exact arithmetic, judged at one representative point
    (the first in `where`): "finite" (then a float inf there is overflow, not a pole),
    "inside" (J itself fits in `dtype`, so only a value inside it overflowed: softplus at
    800 is 800, but e^800 is not a float64), "huge" (a value inside J is too large to
    compute with) or "not finite"."""
    first = int(np.flatnonzero(where)[0])
    context = mp_context(TAYLOR_DIGITS)
    parameters = [context.mpf(p) for p in parameters]
    try:
        value = precise_value(
            precise_function(expr, var),
            context,
            context.mpf(float(points[first])),
            *parameters,
        )
    except PrecisionLimit:
        return "huge"
    if not context.isfinite(value):
        return "not finite"
    return "inside" if abs(value) <= float(np.finfo(dtype).max) else "finite"
