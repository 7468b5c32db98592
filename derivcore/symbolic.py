"""Symbolic derivatives, their display form, exact values at a point, and LaTeX.

`derivative` is plain `sympy.diff`; for user input, call it through `run_bounded` (a 10th
derivative of a nested function can take minutes). `simplified`, `value_at` and
`derivative_at` bound their own SymPy work with `derivcore.bounded.run_bounded`.

Values at a point follow the lab's `J.subs(w, 2)`: exact where the point is exact, plus the
float64 nearest to that exact value. Where J or J' does not exist as a real number the result
says so (`PointValue.defined` is False, `.message` says why) instead of giving `zoo` or `nan`.
"""

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Rational, Real

import mpmath
import sympy

from derivcore.bounded import WorkTimeout, default_timeout, run_bounded, timeout_message
from derivcore.symbols import symbol_for

MAX_ORDER = 10

# Functions whose formula changes where their argument crosses a switching point. SymPy
# differentiates them into sign/Heaviside/DiracDelta, whose values AT the switch (sign(0) = 0,
# Heaviside(0) = 1/2) are not one-sided slopes, so points near a switch get their own treatment.
_NON_SMOOTH = (
    sympy.Abs,
    sympy.Max,
    sympy.Min,
    sympy.sign,
    sympy.Heaviside,
    sympy.Piecewise,
    sympy.floor,
    sympy.ceiling,
)
_DIGITS = 50  # working precision of numerical checks: far beyond float64's 16 digits
_TINY = sympy.Float(10) ** -40  # relative size below which a 50-digit difference counts as 0
_SIDE = sympy.Rational(1, 10**30)  # relative distance of the points just left and right of x
_EXACT_SHARE = 0.75  # of the time limit for the exact value; the rest for a numerical fallback


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


def _simplest_form(expr: sympy.Expr) -> sympy.Expr:
    """The candidate with the fewest operations among expr, simplify, factor and cancel.

    Candidates that bring in functions the expression did not have are skipped: simplify turns
    the sigmoid's derivative into 1/(4 cosh(w/2)^2) and |w|'s into a Piecewise, both shorter but
    further from what a student wrote. Ties keep the earlier candidate (the plain form first).
    """
    kinds = _function_kinds(expr)
    best, best_ops = expr, sympy.count_ops(expr)
    for transform in (sympy.simplify, sympy.factor, sympy.cancel):
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
        return run_bounded(_simplest_form, expr, timeout=timeout)
    except WorkTimeout:
        return expr


def to_latex(expr: sympy.Expr) -> str:
    """LaTeX for `expr`: e^{-w} for exp, |w| for Abs, fractions as \\frac."""
    return sympy.latex(expr)


# --- values at a point ----------------------------------------------------------------------


@dataclass(frozen=True)
class PointValue:
    """J or J' at a point.

    `exact` is the exact value (None if computing it took too long; `decimal` then comes from a
    30-digit numerical evaluation). `decimal` is the float64 nearest to the value (inf if it is
    beyond float64's range). When `defined` is False, `exact` and `decimal` are None and
    `message` says why, e.g. "J is not defined at w = 0" or "J is not differentiable at w = 0";
    it is "" otherwise.
    """

    defined: bool
    exact: sympy.Expr | None
    decimal: float | None
    message: str
    latex: str


class _NoValue(Exception):
    """An expression has no finite real value at the point: `kind` is "infinite",
    "not real" or "undefined" (0/0 and the like)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _is_negligible(value: sympy.Expr, scale: sympy.Expr) -> bool:
    """Whether a 50-digit number is 0 up to rounding, relative to |scale| (no absolute floor:
    values just beside a point are tiny, (-10^-30)^(3/2) = -10^-45 i is not real)."""
    return abs(value) <= _TINY * abs(scale)


def _check_finite_real(value: sympy.Expr) -> sympy.Expr:
    if value.has(sympy.nan):
        raise _NoValue("undefined")
    if value.has(sympy.zoo, sympy.oo, -sympy.oo):
        raise _NoValue("infinite")
    if value.is_extended_real is False:
        raise _NoValue("not real")
    if value.is_extended_real is None:
        real, imag = sympy.N(value, _DIGITS).as_real_imag()
        if not (imag.is_number and real.is_number) or not real.is_finite:
            raise _NoValue("undefined")
        if not _is_negligible(imag, real):
            raise _NoValue("not real")
    return value


def _exact_at(expr: sympy.Expr, x: sympy.Symbol, point: sympy.Expr) -> sympy.Expr:
    """expr at x = point, evaluated bottom-up so that every part must have a finite real value:
    (w^2 - w)/w has no value at 0 even though a final 0*zoo would hide where it failed."""
    if expr == x:
        return point
    if not expr.has(x):
        return _check_finite_real(expr)
    if isinstance(expr, sympy.Piecewise):
        for piece, condition in expr.args:
            if condition.subs(x, point) is sympy.true:
                return _exact_at(piece, x, point)
        raise _NoValue("undefined")
    args = [_exact_at(a, x, point) if isinstance(a, sympy.Expr) else a for a in expr.args]
    return _check_finite_real(expr.func(*args))


def _numeric(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> sympy.Expr:
    return sympy.N(expr.subs(x, at), _DIGITS)


def _real_near(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> sympy.Expr | None:
    """expr at x = at to 50 digits if that is a finite real number, else None."""
    value = _numeric(expr, x, at)
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    real, imag = value.as_real_imag()
    return real if _is_negligible(imag, real) else None


def _sign_near(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> int:
    value = _real_near(expr, x, at)
    if value is None:
        raise _NoValue("not real")
    return 1 if value.is_positive else -1 if value.is_negative else 0


def _smooth_piece(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> sympy.Expr:
    """`expr` with each non-smooth part replaced by the smooth formula it equals at x = at
    (and so, for `at` just beside a switching point, on that side of it): |u| -> u or -u,
    max/min -> the largest/smallest argument, sign/Heaviside/floor/ceiling -> their constant."""
    if not expr.has(*_NON_SMOOTH):
        return expr
    if isinstance(expr, sympy.Piecewise):
        for piece, condition in expr.args:
            if condition.subs(x, at) is sympy.true:
                return _smooth_piece(piece, x, at)
        raise _NoValue("undefined")
    node = expr.func(*(_smooth_piece(a, x, at) for a in expr.args))
    if isinstance(node, sympy.Abs):
        (u,) = node.args
        return -u if _sign_near(u, x, at) < 0 else u
    if isinstance(node, sympy.sign):
        return sympy.Integer(_sign_near(node.args[0], x, at))
    if isinstance(node, sympy.Heaviside):
        return sympy.Integer(int(_sign_near(node.args[0], x, at) > 0))
    if isinstance(node, sympy.floor | sympy.ceiling):
        value = _real_near(node.args[0], x, at)
        if value is None:
            raise _NoValue("not real")
        return node.func(value)
    if isinstance(node, sympy.Max | sympy.Min):
        direction = 1 if isinstance(node, sympy.Max) else -1
        best = node.args[0]
        for other in node.args[1:]:
            if direction * _sign_near(other - best, x, at) > 0:
                best = other
        return best
    return node


def _same_number(a: sympy.Expr, b: sympy.Expr) -> bool:
    if a == b:
        return True
    scale = max(abs(sympy.N(a, _DIGITS)), abs(sympy.N(b, _DIGITS)))
    return _is_negligible(sympy.N(a - b, _DIGITS), scale)


def _nearest_float(value: sympy.Expr) -> float:
    """The float64 nearest to an exact real number (inf beyond float64's range)."""
    return float(sympy.N(value, _DIGITS))


@dataclass(frozen=True)
class _Outcome:
    exact: sympy.Expr | None
    decimal: float | None
    message: str = ""
    label: str = ""  # short LaTeX text for an undefined value


def _undefined(where: str, kind: str) -> _Outcome:
    reason = " (its value there would not be a real number)" if kind == "not real" else ""
    return _Outcome(None, None, f"J is not defined at {where}{reason}", "not defined")


def _not_differentiable(where: str, reason: str = "") -> _Outcome:
    detail = f" ({reason})" if reason else ""
    return _Outcome(None, None, f"J is not differentiable at {where}{detail}", "not differentiable")


def _defined(exact: sympy.Expr) -> _Outcome:
    return _Outcome(exact, _nearest_float(exact))


def _slope_at(expr: sympy.Expr, x: sympy.Symbol, point: sympy.Expr, where: str):
    """J'(point) for a J defined at the point, or the reason there is none."""
    side = _SIDE * sympy.Min(1, abs(point)) if point != 0 else _SIDE
    left, right = point - side, point + side
    defined_both_sides = (
        _real_near(expr, x, left) is not None and _real_near(expr, x, right) is not None
    )
    if not expr.has(*_NON_SMOOTH):
        try:
            slope = _exact_at(sympy.diff(expr, x), x, point)
        except _NoValue as failure:
            if failure.kind == "infinite":
                return _not_differentiable(where, "the slope is infinite")
            return _not_differentiable(where)
        if not defined_both_sides:
            return _not_differentiable(where, "J is not defined on both sides of it")
        return _defined(slope)
    if not defined_both_sides:
        return _not_differentiable(where, "J is not defined on both sides of it")
    value = _exact_at(expr, x, point)
    slopes = []
    for beside in (left, right):
        piece = _smooth_piece(expr, x, beside)
        if not _same_number(_exact_at(piece, x, point), value):
            return _not_differentiable(where, "J jumps there")
        try:
            slopes.append(_exact_at(sympy.diff(piece, x), x, point))
        except _NoValue as failure:
            if failure.kind == "infinite":
                return _not_differentiable(where, "the slope is infinite")
            return _not_differentiable(where)
    from_left, from_right = slopes
    if not _same_number(from_left, from_right):
        return _not_differentiable(
            where,
            f"the slope is {sympy.sstr(from_left)} from the left "
            f"and {sympy.sstr(from_right)} from the right",
        )
    return _defined(from_right)


def _exact_outcome(
    expr: sympy.Expr, var: str, point: sympy.Expr, values: dict, order: int
) -> _Outcome:
    """J (order 0) or J' (order 1) at the point, exactly; run in a worker."""
    expr = _with_values(expr, var, values)
    x = symbol_for(expr, var)
    where = f"{var} = {sympy.sstr(point)}"
    try:
        value = _exact_at(expr, x, point)
    except _NoValue as failure:
        return _undefined(where, failure.kind)
    if order == 0:
        return _defined(value)
    try:
        return _slope_at(expr, x, point, where)
    except _NoValue as failure:  # a part of J is not real just beside the point
        if failure.kind == "not real":
            return _not_differentiable(where, "J is not defined on both sides of it")
        return _not_differentiable(where)


def _numeric_outcome(
    expr: sympy.Expr, var: str, point: sympy.Expr, values: dict, order: int
) -> _Outcome | None:
    """J or J' at the point by 30-digit arithmetic (mpmath), for when the exact value takes too
    long; None if that gives no finite real number. Non-smooth J get no numerical slope: at a
    corner it would be meaningless."""
    expr = _with_values(expr, var, values)
    x = symbol_for(expr, var)
    if order and expr.has(*_NON_SMOOTH):
        return None
    with mpmath.workdps(30):
        function = sympy.lambdify(x, expr, modules="mpmath")
        at = sympy.lambdify((), point, modules="mpmath")()
        value = mpmath.diff(function, at) if order else function(at)
        if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
            return None
        return _Outcome(None, float(value))


def _exact_point(point) -> sympy.Expr:
    """The point as an exact SymPy number; a float means the decimal it prints as (0.1 -> 1/10),
    as if typed."""
    if isinstance(point, sympy.Expr):
        value = point
    elif isinstance(point, Rational) and not isinstance(point, bool):  # int, Fraction
        value = sympy.Rational(point.numerator, point.denominator)
    elif isinstance(point, Real) and math.isfinite(point):  # float, numpy floats
        fraction = Fraction(repr(float(point)))
        value = sympy.Rational(fraction.numerator, fraction.denominator)
    else:
        value = None
    if (
        value is None
        or value.free_symbols
        or not value.is_number
        or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)
    ):
        raise ValueError("The point must be a finite real number, such as 3, -1/2 or pi/4.")
    if value.is_extended_real is False:
        raise ValueError("The point must be a real number.")
    return value


def _with_values(expr: sympy.Expr, var: str, values: dict[str, sympy.Expr]) -> sympy.Expr:
    """expr with the other variables replaced by their given (exact) values."""
    result = expr.subs({symbol_for(expr, name): value for name, value in values.items()})
    missing = sorted(s.name for s in result.free_symbols if s.name != var)
    if missing:
        raise ValueError(f"J also depends on {', '.join(missing)}: give a value for each.")
    return result


def _latex_float(value: float) -> str:
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    mantissa, _, exponent = repr(value).partition("e")
    return mantissa + (rf" \times 10^{{{int(exponent)}}}" if exponent else "")


def _point_value(outcome: _Outcome) -> PointValue:
    if outcome.message:
        return PointValue(False, None, None, outcome.message, rf"\text{{{outcome.label}}}")
    if outcome.exact is None:
        latex = r"\approx " + _latex_float(outcome.decimal)
    elif outcome.exact.is_Rational:
        latex = to_latex(outcome.exact)
    else:
        latex = rf"{to_latex(outcome.exact)} \approx {_latex_float(outcome.decimal)}"
    return PointValue(True, outcome.exact, outcome.decimal, "", latex)


def _at(expr, var, point, values, order, timeout) -> PointValue:
    exact_point = _exact_point(point)
    exact_values = {name: _exact_point(value) for name, value in (values or {}).items()}
    budget = default_timeout() if timeout is None else timeout
    deadline = time.monotonic() + budget
    try:
        outcome = run_bounded(
            _exact_outcome,
            expr,
            var,
            exact_point,
            exact_values,
            order,
            timeout=budget * _EXACT_SHARE,
        )
    except WorkTimeout:
        try:
            outcome = run_bounded(
                _numeric_outcome,
                expr,
                var,
                exact_point,
                exact_values,
                order,
                timeout=max(deadline - time.monotonic(), 0.01),
            )
        except WorkTimeout:
            outcome = None
        if outcome is None:
            message = timeout_message(budget)
            return PointValue(False, None, None, message, r"\text{too slow to compute}")
        return _point_value(outcome)
    if outcome.exact is not None and not outcome.exact.is_Rational:
        remaining = deadline - time.monotonic()
        if remaining > 0:
            shorter = simplified(outcome.exact, timeout=remaining)
            outcome = _Outcome(shorter, outcome.decimal)
    return _point_value(outcome)


def value_at(
    expr: sympy.Expr, var: str, point, values: dict | None = None, *, timeout: float | None = None
) -> PointValue:
    """J(point), with `values` giving the other variables (name -> number).

    Exact where the point is exact (the lab's `J.subs(w, 2)`), with its nearest float64.
    `timeout` (seconds, default `DERIV_TIMEOUT`) bounds the whole computation: past 3/4 of it
    the exact value is given up for a 30-digit numerical one (`exact` None), and if that does
    not finish either, `defined` is False with the time-out message.
    """
    return _at(expr, var, point, values, 0, timeout)


def derivative_at(
    expr: sympy.Expr, var: str, point, values: dict | None = None, *, timeout: float | None = None
) -> PointValue:
    """J'(point) (the partial derivative with respect to `var`), as `value_at` gives J(point).

    Not defined where J is not ("J is not defined at w = 0" for 1/w), where J is defined but
    has no slope: infinite (sqrt(w) at 0), a corner (|w|, max(0, w) at 0), a jump, or J defined
    on one side only (w^(3/2) at 0). Corners are found by replacing |u|, max, min, ... with the
    formula valid just left and just right of the point (10^-30 away) and comparing the two
    one-sided slopes, so w*|w| at 0 is differentiable (slope 0) while |w| is not.
    """
    return _at(expr, var, point, values, 1, timeout)
