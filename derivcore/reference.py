"""J′ and J⁽ⁿ⁾ at a float x in high precision: the references every error is measured against.

J′(x) is computed by mpmath to `REFERENCE_DIGITS` at the float x itself (float32(0.1) is not 0.1);
the derivatives J⁽ⁿ⁾ that the error model needs come from SymPy's derivatives evaluated at a
precision that doubles until two evaluations agree, or from mpmath's numerical differentiation
once a symbolic derivative grows too large. `kink_at` names a corner or jump of J at x, where J′
does not exist even though a formula for it evaluates.
"""

from __future__ import annotations

import functools
import math

import sympy

from derivcore.precise import mp_context, precise_function, precise_value
from derivcore.schemes import HIGHEST_DERIVATIVE
from derivcore.smoothness import NON_ANALYTIC, without_point_terms
from derivcore.symbols import other_names, symbol_for

# J′ to 50 significant digits: the one "high precision" of the package (symbolic checks, the
# graph's first pass and the answers use it too), far beyond float64's 16.
REFERENCE_DIGITS = 50
TAYLOR_DIGITS = 20  # J⁽ⁿ⁾ for the model: a few digits are needed, 20 make zeros recognisable
TAYLOR_ZERO = 1e-20  # relative size below which a numerical derivative counts as exactly 0
TAYLOR_AGREEMENT = 1e-12  # two precisions agreeing this closely give J⁽ⁿ⁾ to float accuracy


@functools.lru_cache(maxsize=64)
def first_derivative(expr: sympy.Expr, var: str) -> sympy.Expr:
    return sympy.diff(expr, symbol_for(expr, var))


def precise_derivative(expr, var, x: float, parameters: tuple, dps: int):
    """J′(x) in this thread's mpmath context at `dps` digits (nan where undefined)."""
    context = mp_context(dps)
    arguments = [context.mpf(v) for v in (x, *parameters)]
    function = precise_function(first_derivative(expr, var), var, other_names(expr, var))
    return precise_value(function, context, *arguments)


# A symbolic derivative that grows beyond this many operations is not differentiated further (the
# 9th derivative of tanh has ~750); the remaining orders come from mpmath's numerical diff.
SYMBOLIC_DERIVATIVE_OPS = 3000


@functools.lru_cache(maxsize=512)
def symbolic_derivative(expr: sympy.Expr, var: str, order: int) -> sympy.Expr | None:
    """J⁽ⁿ⁾ by SymPy, from J⁽ⁿ⁻¹⁾; None once an earlier one has grown too large to go on."""
    if order == 0:
        return expr
    lower = symbolic_derivative(expr, var, order - 1)
    if lower is None or sympy.count_ops(lower) > SYMBOLIC_DERIVATIVE_OPS:
        return None
    return without_point_terms(sympy.diff(lower, symbol_for(expr, var)))


class _Derivatives:
    """J⁽ⁿ⁾(x) for n = 0..9, each computed when first read: SymPy's derivative evaluated by
    mpmath (`settled_value`). Exact where it matters: a derivative that is 0 at x comes out as
    exactly 0 (J″ of the sigmoid at 0, J‴ of w²) and a tiny one keeps its size (J″ of sqrt at
    1e-7 is −8e9, J″ of atan at 1e8 is −2e-24), at any |x| (a numerical step would vanish beyond
    |x| ≈ 1e30). The model reads only the orders of its leading terms (J″ and J‴ for forward
    differences), so the 9th derivative of tanh (~750 operations) is rarely formed. Orders past
    a derivative too large to differentiate come from `_numerical_taylor`."""

    def __init__(self, expr: sympy.Expr, var: str, x: float, parameters: tuple):
        self._key = (expr, var, x, parameters)
        self._values: dict[int, float] = {}

    def __len__(self) -> int:
        return HIGHEST_DERIVATIVE + 1

    @functools.cached_property
    def _at_a_switch(self) -> bool:
        return _switch_at(*self._key) is not None

    def __getitem__(self, order: int) -> float:
        if order not in self._values:
            expr, var, x, parameters = self._key
            if order >= 2 and self._at_a_switch:
                # w·|w| at 0 has J′ = 0 but no J″ (2 from the right, −2 from the left): no
                # Taylor term past J′ exists, whatever sign(0) = 0 would make of the formula.
                self._values[order] = math.nan
                return self._values[order]
            derivative = symbolic_derivative(expr, var, order)
            if derivative is None:
                self._values[order] = _numerical_taylor(expr, var, x, parameters)[order]
            else:
                function = precise_function(derivative, var, other_names(expr, var))
                self._values[order] = settled_value(function, (x, *parameters))
        return self._values[order]


@functools.lru_cache(maxsize=256)
def taylor_derivatives(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> _Derivatives:
    """J⁽ⁿ⁾(x) for n = 0..9, computed on demand (see `_Derivatives`)."""
    return _Derivatives(expr, var, x, parameters)


def settled_value(function, arguments: tuple) -> float:
    """function(*arguments) (exact floats) to 12 digits, doubling the working precision from 20
    digits until two evaluations agree: a formula can cancel (tanh″ = −2·tanh·(1 − tanh²) at
    −30 is 1 − (1 − 3.5e-26) at 20 digits, i.e. 0, but 1.4e-25). Two zeros may both be the
    cancellation's (sin(w)/w has J′ = cos(w)/w − sin(w)/w², 0 at every precision below 600
    digits at w = 1e-300), so 0 is the answer only when it stays 0 up to 1280 digits. nan if it
    never settles by then, or where the value is not a real number."""
    previous = None
    digits = TAYLOR_DIGITS
    while digits <= 1280:
        context = mp_context(digits)
        value = precise_value(function, context, *(context.mpf(a) for a in arguments))
        if not context.isfinite(value) or isinstance(value, context.mpc):
            return math.nan
        if previous is not None and value != 0 and (
            value == previous or abs(value - previous) <= TAYLOR_AGREEMENT * abs(value)
        ):
            return float(value)
        previous, digits = value, 2 * digits
    return 0.0 if previous == 0 else math.nan


@functools.lru_cache(maxsize=64)
def _numerical_taylor(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> tuple:
    """J⁽ⁿ⁾(x) for n = 0..9 by mpmath's numerical differentiation at 20 digits, a step relative
    to |x|; noise-level values are reported as 0."""
    context = mp_context(TAYLOR_DIGITS)
    function = precise_function(expr, var)
    fixed = [context.mpf(p) for p in parameters]

    def f(t):
        return precise_value(function, context, t, *fixed)

    point = context.mpf(x)
    step = context.ldexp(max(1, abs(point)), -context.prec - 10)
    try:
        values = [f(point)] + [
            context.diff(f, point, n, h=step) for n in range(1, HIGHEST_DERIVATIVE + 1)
        ]
    except (ValueError, ZeroDivisionError, TypeError):
        return (math.nan,) * (HIGHEST_DERIVATIVE + 1)
    if not all(context.isfinite(v) and not isinstance(v, context.mpc) for v in values):
        return (math.nan,) * (HIGHEST_DERIVATIVE + 1)
    seen = max(abs(v) * step**n / math.factorial(n) for n, v in enumerate(values))
    return tuple(0.0 if abs(v) <= TAYLOR_ZERO * seen else float(v) for v in values)


# One-sided slopes of J at a switching point: quotients over this step, at REFERENCE_DIGITS,
# agree to about 25 digits where J is differentiable (w·|w| at 0: both are h) and differ by the
# corner's jump in slope where it is not (|w| at 0: -1 and 1).
_SIDE_STEP_EXPONENT = -25
_SIDE_AGREEMENT = 1e-15


def _one_sided_slopes_agree(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> bool:
    """Whether (J(x) - J(x - h))/h and (J(x + h) - J(x))/h agree for a tiny h, i.e. whether J is
    differentiable at x although a switching function (|u|, max, ...) switches there."""
    context = mp_context(REFERENCE_DIGITS)
    function = precise_function(expr, var, other_names(expr, var))
    fixed = [context.mpf(v) for v in parameters]
    point = context.mpf(x)
    h = max(1, abs(point)) * context.power(10, _SIDE_STEP_EXPONENT)

    def value(t):
        return precise_value(function, context, t, *fixed)

    try:
        centre = value(point)
        left = (centre - value(point - h)) / h
        right = (value(point + h) - centre) / h
    except (ValueError, ZeroDivisionError, TypeError):
        return False
    if not all(context.isfinite(v) and not isinstance(v, context.mpc) for v in (left, right)):
        return False
    return abs(left - right) <= _SIDE_AGREEMENT * max(1, abs(left), abs(right))


def kink_at(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> str | None:
    """A non-differentiable point of J at x (|u| with u = 0 and J's one-sided slopes apart,
    max with a tie, a jump of floor, ...), described; None where J has a slope, even if a
    switching function switches there (w·|w| at 0 has slope 0 from both sides)."""
    kink = _switch_at(expr, var, x, parameters)
    if kink and _one_sided_slopes_agree(expr, var, x, parameters):
        return None
    return kink


def _switch_at(expr: sympy.Expr, var: str, x: float, parameters: tuple) -> str | None:
    """A switching function of J that switches at x (|u| with u = 0, ...), described."""
    others = other_names(expr, var)
    context = mp_context(REFERENCE_DIGITS)
    arguments = [context.mpf(v) for v in (x, *parameters)]

    def at_x(sub: sympy.Expr):
        return precise_value(precise_function(sub, var, others), context, *arguments)

    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
            if at_x(node.args[0]) == 0:
                return f"{NON_ANALYTIC[type(node)]} has a corner or jump where {node.args[0]} = 0"
        elif isinstance(node, (sympy.Max, sympy.Min)):
            values = sorted(at_x(a) for a in node.args)
            extreme = values[-1] if isinstance(node, sympy.Max) else values[0]
            if sum(v == extreme for v in values) > 1:
                return f"{NON_ANALYTIC[type(node)]} switches between its arguments there"
        elif isinstance(node, (sympy.floor, sympy.ceiling)):
            value = at_x(node.args[0])
            if context.isfinite(value) and value == context.floor(value):
                return f"{NON_ANALYTIC[type(node)]} jumps there"
    return None
