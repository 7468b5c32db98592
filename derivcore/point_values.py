"""Exact values of J and J′ at a point, as the lab's `J.subs(w, 2)` gives them.

Exact where the point is exact, plus the float64 nearest to that exact value. Where J or J′ does
not exist as a real number the result says so (`PointValue.defined` is False, `.message` says why)
instead of giving `zoo` or `nan`. `value_at` and `derivative_at` bound their own SymPy work with
`derivcore.bounded.run_bounded`.

(About 480 lines and one concept, a value at a point: most of it is the care that concept needs —
corners found from one-sided formulas, values too small or too large for a float, an exact phase
and a numerical fallback within one time limit.)
"""

import decimal
import math
import time
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational, Real

import sympy

from derivcore.bounded import (
    WorkTimeout,
    default_timeout,
    run_bounded,
    timeout_message,
    wait_until_ready,
)
from derivcore.catalogue import relu_formula, sigmoid_formula
from derivcore.number_format import number_latex
from derivcore.precise import PrecisionLimit, mp_context, precise_function
from derivcore.reference import REFERENCE_DIGITS
from derivcore.smoothness import is_smooth
from derivcore.symbolic import derivative, simplest_form, simplified, to_latex
from derivcore.symbols import symbol_for

_TINY = sympy.Float(10) ** -40  # relative size below which a 50-digit difference counts as 0
_SIDE = sympy.Rational(1, 10**30)  # relative distance of the points just left and right of x
_EXACT_SHARE = 0.75  # of the time limit for the exact value; the rest for a numerical fallback
_SIMPLIFY_LIMIT = 0.5  # seconds at most spent shortening an exact value such as 1/(e^-1 + 1)
_MAX_LATEX = 500  # characters: longer exact values are shown by their decimal approximation



# --- values at a point ----------------------------------------------------------------------


@dataclass(frozen=True)
class PointValue:
    """J or J' at a point.

    `exact` is the exact value, None if computing it took too long (`decimal` then comes from a
    30-digit numerical evaluation) or if it is too long to show (4^100000). `decimal` is the
    float64 nearest to the value, ±inf beyond float64's range. `latex` shows both, e.g.
    "- \\frac{1}{9} \\approx -0.1111111111111111". When `defined` is False, `exact` and
    `decimal` are None and `message` says why, e.g. "J is not defined at w = 0",
    "J is not differentiable at w = 0 (the slope is infinite)", or the time-out message; it is
    "" otherwise.
    """

    defined: bool
    exact: sympy.Expr | None
    decimal: float | None
    message: str
    latex: str


class _NoValue(Exception):
    """An expression has no finite real value at the point: `kind` is "infinite",
    "not real", "undefined" (0/0 and the like) or "unevaluable" (too large to evaluate)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _is_negligible(value: sympy.Expr, scale: sympy.Expr) -> bool:
    """Whether a 50-digit number is 0 up to rounding, relative to |scale| (no absolute floor:
    values just beside a point are tiny, (-10^-30)^(3/2) = -10^-45 i is not real)."""
    return abs(value) <= _TINY * abs(scale)


def _evalf(value: sympy.Expr, subs: dict | None = None) -> sympy.Expr:
    """`value` to 50 digits, with `subs` substituted numerically (exact substitution of
    3 + 10^-30 into (w+1)^100000 would build a number of three million digits); _NoValue
    ("unevaluable") where SymPy cannot evaluate it: an exponent tower such as e^(e^(e^(e^10)))
    overflows even its arbitrary-precision arithmetic."""
    try:
        return value.evalf(REFERENCE_DIGITS, subs=subs)
    except (OverflowError, ValueError) as failure:
        raise _NoValue("unevaluable") from failure


def _real_part_if_real(value: sympy.Expr) -> sympy.Expr:
    """The real part of a 50-digit number whose imaginary part is only rounding; else
    _NoValue: "infinite", "not real" or "undefined"."""
    if value.has(sympy.nan) or not value.is_number:
        raise _NoValue("undefined")
    if value.has(sympy.zoo, sympy.oo, -sympy.oo):
        raise _NoValue("infinite")
    real, imag = value.as_real_imag()
    if not _is_negligible(imag, real):
        raise _NoValue("not real")
    return real


def _check_finite_real(value: sympy.Expr) -> sympy.Expr:
    """`value` itself if it is a finite real number, else _NoValue saying why."""
    if value.has(sympy.nan):
        raise _NoValue("undefined")
    if value.has(sympy.zoo, sympy.oo, -sympy.oo):
        raise _NoValue("infinite")
    if value.is_extended_real is False:
        raise _NoValue("not real")
    if value.is_extended_real is None:
        _real_part_if_real(_evalf(value))
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


def _real_near(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> sympy.Expr:
    """expr at x = at to 50 digits (a real number, else _NoValue)."""
    return _real_part_if_real(_evalf(expr, {x: at}))


def _defined_near(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> bool:
    """Whether J has a real value at x = at, numerically (exact arithmetic at 10^-30 from a point
    would build numbers of millions of digits for (w+1)^100000). A value too large to evaluate
    counts as defined: nothing shows otherwise."""
    try:
        _real_near(expr, x, at)
    except _NoValue as failure:
        return failure.kind == "unevaluable"
    return True


def _sign_near(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> int:
    value = _real_near(expr, x, at)
    return 1 if value.is_positive else -1 if value.is_negative else 0


def _smooth_piece(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> sympy.Expr:
    """`expr` with each non-smooth part replaced by the smooth formula it equals at x = at
    (and so, for `at` just beside a switching point, on that side of it): |u| -> u or -u,
    max/min -> the largest/smallest argument, sign/Heaviside/floor/ceiling -> their constant."""
    if is_smooth(expr):
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
        return node.func(_real_near(node.args[0], x, at))
    if isinstance(node, sympy.Max | sympy.Min):
        direction = 1 if isinstance(node, sympy.Max) else -1
        best = node.args[0]
        for other in node.args[1:]:
            if direction * _sign_near(other - best, x, at) > 0:
                best = other
        return best
    return node


def _same_number(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Whether two exact real numbers are equal (to 40 significant digits when not obviously)."""
    if a == b:
        return True
    scale = max(abs(_evalf(a)), abs(_evalf(b)))
    return _is_negligible(_evalf(a - b), scale)


# Working precisions (digits) tried for a value whose terms cancel: sin(w)/w has J′ = cos(w)/w −
# sin(w)/w², whose two terms at w = 1e-300 agree to 600 digits; at 50 SymPy returned a "zero"
# good to ±1e140, shown as J′ ≈ 1.9e140 (the true value is −3.3e-301).
_CANCELLATION_DIGITS = (2 * REFERENCE_DIGITS, 1000, 5000)


def _accurate(value: sympy.Expr) -> sympy.Expr:
    """`value` to 50 correct digits, with as much working precision as its cancellation needs
    (up to 5000 digits); a value still indistinguishable from 0 then is taken as 0."""
    for digits in _CANCELLATION_DIGITS:
        try:
            return value.evalf(REFERENCE_DIGITS, strict=True, maxn=digits)
        except sympy.core.evalf.PrecisionExhausted:
            continue
        except (OverflowError, ValueError) as failure:
            raise _NoValue("unevaluable") from failure
    rough = _evalf(value)
    if isinstance(rough, sympy.Float) and rough._prec < 53:  # no float64's worth of digits
        return sympy.Float(0)
    return rough


def _nearest_float(value: sympy.Expr) -> float | None:
    """The float64 nearest to an exact real number: ±inf beyond float64's range (also when the
    number is too large for SymPy to evaluate), None if not even its sign can be found."""
    try:
        return float(_accurate(value))
    except _NoValue:
        if value.is_extended_positive:
            return math.inf
        if value.is_extended_negative:
            return -math.inf
        return None


def _value_latex(exact: sympy.Expr | None, decimal: float | None) -> str:
    r"""LaTeX such as "\cos{\left(\frac{1}{2} \right)} \approx 0.8775825618903728": "=" where
    the float is the exact value (-1/4 = -0.25), no decimal after an integer."""
    parts = [] if exact is None else [to_latex(exact)]
    if (
        decimal is not None
        and math.isfinite(decimal)
        and not (exact is not None and exact.is_Integer)
    ):
        exactly = exact is not None and exact.is_Rational and sympy.Rational(decimal) == exact
        parts.append(("= " if exactly else r"\approx ") + number_latex(decimal, "repr"))
    return " ".join(parts)


def point_text(point: sympy.Expr) -> str:
    """The point as a student would type it: 0.25 rather than 1/4 when the decimal is exact and
    short, 1e-300 rather than a fraction of 301 digits when that is exact, else SymPy's form
    (1/3, pi/2)."""
    if point.is_Rational and not point.is_Integer:
        with decimal.localcontext(prec=REFERENCE_DIGITS):
            value = decimal.Decimal(point.p) / decimal.Decimal(point.q)
        for text in (format(value, "f"), format(value.normalize(), "e").replace("e+", "e")):
            if len(text) <= 20 and Fraction(text) == Fraction(point.p, point.q):
                return text
    return sympy.sstr(point)


def _undefined(where: str, kind: str) -> PointValue:
    reason = " (its value there would not be a real number)" if kind == "not real" else ""
    message = f"J is not defined at {where}{reason}"
    return PointValue(False, None, None, message, r"\text{not defined}")


def _not_differentiable(where: str, reason: str = "") -> PointValue:
    message = f"J is not differentiable at {where}" + (f" ({reason})" if reason else "")
    return PointValue(False, None, None, message, r"\text{not differentiable}")


def _scientific_latex(exact: sympy.Expr) -> str:
    """A 16-digit approximation such as "\\approx 1.970071114017047 \\cdot 10^{434}", for values
    beyond float64's range; "" if even that cannot be evaluated."""
    try:
        return r"\approx " + sympy.latex(_evalf(exact).evalf(16))
    except _NoValue:
        return ""


def _defined(exact: sympy.Expr) -> PointValue:
    """The value with its nearest float and LaTeX; values beyond float64 also get a scientific
    approximation, and one too long to show (4^100000 has 60206 digits) only that, with
    `exact` None."""
    decimal = _nearest_float(exact)
    try:
        latex = _value_latex(exact, decimal)
    except ValueError:  # Python refuses to print integers of more than 4300 digits
        latex = None
    if latex is not None and len(latex) <= _MAX_LATEX:
        if decimal is not None and math.isinf(decimal):
            latex = f"{latex} {_scientific_latex(exact)}".strip()
        return PointValue(True, exact, decimal, "", latex)
    return PointValue(True, None, decimal, "", _scientific_latex(exact))


def _slope_at(expr: sympy.Expr, x: sympy.Symbol, point: sympy.Expr, where: str) -> PointValue:
    """J'(point) for a J defined at the point, or the reason there is none."""
    side = _SIDE * sympy.Min(1, abs(point)) if point != 0 else _SIDE
    left, right = point - side, point + side
    defined_both_sides = _defined_near(expr, x, left) and _defined_near(expr, x, right)
    if is_smooth(expr):
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
) -> PointValue:
    """J (order 0) or J' (order 1) at the point, exactly; run in a worker."""
    expr = _with_values(expr, var, values)
    x = symbol_for(expr, var)
    where = f"{var} = {point_text(point)}"
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
) -> PointValue | None:
    """J or J' at the point by 30-digit arithmetic (mpmath), for when the exact value takes too
    long; None if that gives no finite real number. Non-smooth J get no numerical slope: at a
    corner it would be meaningless."""
    expr = _with_values(expr, var, values)
    if order and not is_smooth(expr):
        return None
    context = mp_context(30)
    function = precise_function(expr, var, ())
    try:
        at = context.mpf(str(sympy.N(point, 35)))
        value = context.diff(function, at) if order else function(at)
    except PrecisionLimit as limit:  # J′ of exp(exp(exp(w))) at 10 is e^(e^(e^10)): no value
        name = "J′" if order else "J"
        message = f"{name} at {var} = {point_text(point)} cannot be computed: {limit.message}."
        return PointValue(False, None, None, message, r"\text{too large to compute}")
    except (ArithmeticError, ValueError):  # overflow, division by zero, domain errors
        return None
    if not isinstance(value, context.mpf) or not context.isfinite(value):
        return None
    decimal = float(value)
    return PointValue(True, None, decimal, "", _value_latex(None, decimal))


def _exact_point(point) -> sympy.Expr:
    """The point as an exact SymPy number; a float means the decimal it prints as (0.1 -> 1/10),
    as if typed."""
    if isinstance(point, bool):
        value = None
    elif isinstance(point, sympy.Expr):
        value = point
    elif isinstance(point, Rational):  # int, Fraction, numpy integers
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


def _at(expr, var, point, values, order, timeout) -> PointValue:
    exact_point = _exact_point(point)
    # A value given for `var` itself would make J constant: the point decides `var`.
    exact_values = {
        name: _exact_point(value) for name, value in (values or {}).items() if name != var
    }
    budget = default_timeout() if timeout is None else timeout
    wait_until_ready()  # starting the workers (once per server) is not this input's time
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
    except WorkTimeout as err:
        if err.busy:
            raise  # the moment's, not the input's: never cached as "took too long"
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
        except WorkTimeout as err:
            if err.busy:
                raise
            outcome = None
        if outcome is None:
            message = timeout_message(budget)
            return PointValue(False, None, None, message, r"\text{too slow to compute}")
        return outcome
    exact, remaining = outcome.exact, min(deadline - time.monotonic(), _SIMPLIFY_LIMIT)
    finite = outcome.decimal is not None and math.isfinite(outcome.decimal)
    if exact is not None and not exact.is_Rational and finite and remaining > 0:
        shorter = simplified(exact, timeout=remaining)
        if shorter != exact:
            return PointValue(
                True, shorter, outcome.decimal, "", _value_latex(shorter, outcome.decimal)
            )
    return outcome


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


def prepare_worker() -> None:
    """Do each kind of work once on small inputs (about 0.6 s), so that SymPy's lazily imported
    parts are already loaded in the process that bounded workers are forked from."""
    w = sympy.Symbol("w", real=True)
    simplest_form(derivative(sigmoid_formula(w)))
    simplest_form(derivative(sympy.tanh(w) + w * sympy.Abs(w) + relu_formula(w)))
    simplest_form(sympy.exp(sympy.Rational(1, 10)))
    _exact_outcome(sympy.sin(w) + relu_formula(w), "w", sympy.Integer(0), {}, 1)
    _numeric_outcome(sympy.sin(w), "w", sympy.Rational(1, 2), {}, 1)
    to_latex(w)


