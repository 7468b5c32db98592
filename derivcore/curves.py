"""J sampled for plotting: the curve with gaps, the tangent, the secant for ε, and J′ as a curve.

A plotting library joins consecutive samples with a straight line, so a curve sampled across a pole
(1/w at 0, tan at π/2) or a jump (floor, sign) shows a vertical line that is not part of the graph.
`sample_curve` finds such places and puts a nan there (plotly breaks the line at nan); points
outside the domain (log w for w ≤ 0, sqrt w for w < 0, complex values) are nan too.

How a discontinuity is told apart from a steep but continuous stretch: zoom in. On a segment
[a, b] of a continuous J the oscillation max J − min J shrinks to 0 as the segment shrinks; across
a jump it stays at the jump's height, across a pole it grows without bound. So a suspicious segment
is narrowed around its steepest part about a billion times and kept as a gap only when its
oscillation did not shrink.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy

from derivcore.nudge import nudge
from derivcore.numeric import compile_function
from derivcore.precise import PrecisionLimit, precise_function
from derivcore.reference import settled_value
from derivcore.smoothness import is_smooth, without_point_terms
from derivcore.symbols import other_symbols, symbol_for

# plotly.js computes ranges and positions in float64; values near 1e308 overflow there. No window
# worth drawing needs more than this, so larger magnitudes are treated like a pole.
_ABSURD = 1e100

# A segment is suspicious when J oscillates on it by more than this fraction of J's typical
# spread on the window, or when its midpoint leaves the chord by more than _BEND of it.
_STEEP = 0.05
_BEND = 1e-3
# Zooming keeps 3 of _ZOOM_POINTS - 1 sub-segments per level: 12 levels narrow by about 5e8.
_ZOOM_POINTS = 17
_ZOOM_LEVELS = 12
# From the middle zoom level to the last (narrower by 2e4), a continuous J's oscillation shrinks
# to at most ~0.04 (w^(1/3): like width^(1/3)); a jump keeps all of it, a pole more, log|w| ~1/3.
_KEEPS = 0.1
# Halvings to locate the edge of the domain: from a 1e-3 wide segment down to ~1e-17.
_EDGE_HALVINGS = 46

# default_window: the window is halved while J's spread on it exceeds this many times the change
# the tangent alone explains, so exp(10w) is not drawn as an "L".
_SPREAD_LIMIT = 10.0


@dataclass(frozen=True, eq=False)
class Curve:
    """Points of a curve in increasing x; y is nan where the line must break (gaps)."""

    x: np.ndarray
    y: np.ndarray


Evaluator = Callable[[np.ndarray], np.ndarray]


def _values_key(values: dict | None) -> tuple[tuple[str, float], ...]:
    """The other variables' values as a hashable, sorted tuple of (name, float)."""
    return tuple(sorted((str(name), float(value)) for name, value in (values or {}).items()))


def _as_float_literals(expr: sympy.Expr) -> sympy.Expr:
    """Rationals too large for a C double become Floats: the lambdified code would otherwise do
    Python-int arithmetic that raises OverflowError; as floats they overflow to inf, the float64
    truth."""
    limit = 2**53
    big = {
        r: sympy.Float(r, 30)
        for r in expr.atoms(sympy.Rational)
        if abs(r.p) > limit or abs(r.q) > limit
    }
    return expr.xreplace(big) if big else expr


@lru_cache(maxsize=256)
def _evaluator(expr: sympy.Expr, var: str, values_key: tuple) -> Evaluator:
    """J as a float64 array function of `var`, the other variables fixed at `values_key`.

    Plain NumPy kernels: the zoom calls this on thousands of points, and a pixel does not need
    the last bit. Single values that students read (J(x0), k) come from `point_value` instead.

    Out of the domain, at poles, for complex results and beyond ±_ABSURD it returns nan, never
    raising: the lambdified NumPy code is run with floating-point warnings silenced.
    """
    symbol = symbol_for(expr, var)
    given = dict(values_key)
    others = other_symbols(expr, var)
    missing = [s.name for s in others if s.name not in given]
    if missing:
        names = ", ".join(missing)
        raise ValueError(f"J also depends on {names}: give a value for {names} to draw it")
    try:
        compiled = sympy.lambdify([symbol, *others], _as_float_literals(expr), "numpy")
    except NotImplementedError:
        # A function NumPy has no counterpart for: nothing can be drawn, say so with nan.
        def compiled(x, *_):
            return np.full(np.shape(x), np.nan)

    fixed = tuple(given[s.name] for s in others)

    def evaluate(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            try:
                y = np.broadcast_to(np.asarray(compiled(x, *fixed)), x.shape)
                if np.iscomplexobj(y):
                    # Real only where the imaginary part is rounding noise: complex → nan.
                    real = np.abs(y.imag) <= 1e-12 * np.abs(y)
                    y = np.where(real, y.real, np.nan)
                y = y.astype(np.float64)
            except (ArithmeticError, TypeError, ValueError):
                return np.full(x.shape, np.nan)
        y[~np.isfinite(y) | (np.abs(y) > _ABSURD)] = np.nan
        return y

    return evaluate


@lru_cache(maxsize=256)
def _derivative(expr: sympy.Expr, var: str) -> sympy.Expr:
    """dJ/dvar with the parts that are 0 almost everywhere replaced by 0 so it can be evaluated."""
    d = sympy.diff(expr, symbol_for(expr, var))
    return without_point_terms(d)


def _validate_window(lo: float, hi: float, n: int) -> tuple[float, float]:
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"The window needs finite ends with lo < hi, got [{lo}, {hi}]")
    if n < 2:
        raise ValueError(f"A curve needs at least 2 points, got n = {n}")
    return lo, hi


def _spread(y: np.ndarray) -> float:
    """J's typical spread: the 2nd to 98th percentile range, blind to the spikes near poles."""
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        return 0.0
    lo, hi = np.percentile(finite, [2, 98])
    return float(hi - lo) or float(finite.max() - finite.min())


def _midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(a + b)/2 without overflow for windows near the largest double."""
    return a + 0.5 * (b - a)


def _zoom_discontinuous(f: Evaluator, a: np.ndarray, b: np.ndarray) -> tuple:
    """For segments [a_i, b_i] with finite ends: is J discontinuous (or undefined) inside, and
    where (the middle of the last zoomed span)?"""
    rows = np.arange(a.size)
    t = np.linspace(0.0, 1.0, _ZOOM_POINTS)
    lo, hi = a.copy(), b.copy()
    undefined = np.zeros(a.size, dtype=bool)
    oscillations = []
    for _ in range(_ZOOM_LEVELS + 1):
        xs = lo[:, None] + (hi - lo)[:, None] * t
        ys = f(xs)
        undefined |= np.isnan(ys).any(axis=1)
        top = np.nanmax(ys, axis=1, initial=-np.inf)
        oscillations.append(top - np.nanmin(ys, axis=1, initial=np.inf))
        # Keep the steepest sub-segment and one neighbour on each side: a pole of even order
        # (1/w², log|w|) sits between two steep sub-segments, not on the steepest one.
        steps = np.nan_to_num(np.abs(np.diff(ys, axis=1)), nan=np.inf)
        j = steps.argmax(axis=1)
        lo = xs[rows, np.maximum(j - 1, 0)]
        hi = xs[rows, np.minimum(j + 2, _ZOOM_POINTS - 1)]
    # Compared with the median level, not the first: a sample that lands next to a pole by luck
    # makes one level's oscillation enormous.
    typical = np.median(np.array(oscillations), axis=0)
    return undefined | (oscillations[-1] > _KEEPS * typical), _midpoint(lo, hi)


def _domain_edges(f: Evaluator, a: np.ndarray, b: np.ndarray, a_defined: np.ndarray) -> tuple:
    """For segments with exactly one defined end, the defined point closest to the other end
    (bisection), so the curve reaches the edge of the domain (sqrt from 0, log down to −30)."""
    good = np.where(a_defined, a, b)
    bad = np.where(a_defined, b, a)
    for _ in range(_EDGE_HALVINGS):
        mid = _midpoint(good, bad)
        defined = np.isfinite(f(mid))
        good = np.where(defined, mid, good)
        bad = np.where(defined, bad, mid)
    return good, f(good)


def _with_gaps(f: Evaluator, x: np.ndarray, y: np.ndarray) -> Curve:
    """Insert nan at discontinuities and undefined holes, and the edge points of the domain."""
    spread = _spread(y)
    mid_x = _midpoint(x[:-1], x[1:])
    mid_y = f(mid_x)
    ends_defined = np.isfinite(y[:-1]) & np.isfinite(y[1:])
    with np.errstate(invalid="ignore"):
        corners = np.stack([y[:-1], mid_y, y[1:]])
        oscillation = corners.max(axis=0) - corners.min(axis=0)
        bend = np.abs(mid_y - 0.5 * (y[:-1] + y[1:]))
        suspicious = ends_defined & (
            np.isnan(mid_y) | (oscillation > _STEEP * spread) | (bend > _BEND * spread)
        )
    extra_x, extra_y = [], []
    idx = np.flatnonzero(suspicious)
    if idx.size:
        broken, where = _zoom_discontinuous(f, x[idx], x[idx + 1])
        extra_x.append(where[broken])
        extra_y.append(np.full(int(broken.sum()), np.nan))
    edge = np.flatnonzero(np.isfinite(y[:-1]) != np.isfinite(y[1:]))
    if edge.size:
        ex, ey = _domain_edges(f, x[edge], x[edge + 1], np.isfinite(y[edge]))
        extra_x.append(ex)
        extra_y.append(ey)
    if not extra_x:
        return Curve(x, y)
    all_x = np.concatenate([x, *extra_x])
    all_y = np.concatenate([y, *extra_y])
    order = np.argsort(all_x, kind="stable")
    return Curve(all_x[order], all_y[order])


def sample_curve(
    expr: sympy.Expr, var: str, lo: float, hi: float, n: int = 2000, values: dict | None = None
) -> Curve:
    """J on n evenly spaced points of [lo, hi] in float64, plus a nan at every pole, jump or
    undefined hole and the edge points of the domain; nan outside the domain."""
    lo, hi = _validate_window(lo, hi, n)
    f = _evaluator(expr, var, _values_key(values))
    x = np.linspace(lo, hi, n)
    return _with_gaps(f, x, f(x))


def derivative_curve(
    expr: sympy.Expr, var: str, lo: float, hi: float, n: int = 2000, values: dict | None = None
) -> Curve:
    """J′ = dJ/dvar sampled like `sample_curve` (J′ of |w| jumps at 0: a gap there)."""
    return sample_curve(_derivative(expr, var), var, lo, hi, n, values)


def point_value(expr: sympy.Expr, var: str, x: float, values: dict | None = None) -> float:
    """J(x) in float64 exactly as Python's float arithmetic gives it (so k below is the lab's k
    to the last bit, and the same k the other pages print); nan where undefined."""
    value = float(compile_function(expr, var, "float64", values)(np.array([float(x)]))[0])
    return value if math.isfinite(value) else math.nan




@lru_cache(maxsize=256)
def _precise_slope(expr: sympy.Expr, var: str, x0: float, values: tuple) -> float:
    """J′(x0) rounded to float64 from a precise evaluation (`reference.settled_value`: the
    precision rises until two evaluations agree; nan where J′ is undefined). In float64 a J′
    whose terms cancel loses every digit: the tangent of sin(w)/w at 1e-8 had slope 1.5e-8, not
    −3.3e-9 (J′ = cos(w)/w − sin(w)/w², two terms of 1e8). Cached: every ε change redraws the
    tangent at the same point (about 0.6 ms of an overview or curve rerun: a fresh mpmath context
    in each new script thread). `values`: the other variables' (name, value) pairs, exact."""
    derivative = _derivative(expr, var)
    if values:
        derivative = derivative.subs({symbol_for(expr, name): v for name, v in values})
    try:
        return settled_value(precise_function(derivative, var, ()), (x0,))
    except PrecisionLimit:
        return math.nan


def tangent_slope(expr: sympy.Expr, var: str, x0: float, values: dict | None = None) -> float:
    """J′(x0) in float64, nan where J is undefined or not differentiable.

    SymPy differentiates |w| to sign(w), which is 0 at 0, and relu to Heaviside(w), ½ at 0: a
    tangent with those slopes would be a lie. For non-analytic J the slope must match J′ just
    left and just right of x0 (at a kink the two sides disagree), and J must be continuous there
    (floor has slope 0 on both sides of its jumps).
    """
    y0 = point_value(expr, var, x0, values)
    exact_values = tuple(sorted((values or {}).items(), key=lambda item: str(item[0])))
    slope = _precise_slope(expr, var, x0, exact_values) if np.isfinite(y0) else np.nan
    if np.isfinite(slope) and not is_smooth(expr):
        delta = 1e-7 * max(1.0, abs(x0))
        for side in (x0 - delta, x0 + delta):
            side_slope = point_value(_derivative(expr, var), var, side, values)
            rise = point_value(expr, var, side, values) - y0
            if not (
                abs(side_slope - slope) <= 1e-4 * max(1.0, abs(slope))
                and abs(rise) <= 2 * abs(slope) * delta + 1e-9 * max(1.0, abs(y0))
            ):
                return float("nan")
    return float(slope)


def _line(x0: float, y0: float, slope: float, lo: float, hi: float, through: list) -> Curve:
    """The line y = y0 + slope·(x − x0) on [lo, hi], holding the exact points `through`."""
    xs = np.array(sorted({lo, hi, *(p[0] for p in through)}), dtype=np.float64)
    ys = y0 + slope * (xs - x0)
    for px, py in through:
        ys[xs == px] = py
    return Curve(xs, ys)


def tangent_line(
    expr: sympy.Expr, var: str, x0: float, lo: float, hi: float, values: dict | None = None
) -> Curve | None:
    """The tangent y = J(x0) + J′(x0)(x − x0) on [lo, hi] (through (x0, J(x0)) exactly);
    None where J is undefined or not differentiable at x0."""
    lo, hi = _validate_window(lo, hi, 2)
    y0 = point_value(expr, var, x0, values)
    slope = tangent_slope(expr, var, x0, values)
    if not (np.isfinite(y0) and np.isfinite(slope)):
        return None
    return _line(x0, y0, slope, lo, hi, [(x0, y0)])


def secant_line(
    expr: sympy.Expr,
    var: str,
    x0: float,
    eps: float,
    lo: float,
    hi: float,
    values: dict | None = None,
) -> Curve | None:
    """The secant through (x0, J(x0)) and (x0 + ε, J(x0 + ε)) on [lo, hi], both points held
    exactly, with slope k as the lab computes it (k = 0 when x0 + ε == x0 in float64); None where
    J is undefined at either point or ε is 0 or not finite."""
    lo, hi = _validate_window(lo, hi, 2)
    try:
        step = nudge(expr, var, x0, eps, values)
    except ValueError:  # ε not a positive number: no secant to draw
        return None
    if not np.isfinite(step.k):
        return None
    through = [(step.x, step.j), (step.x_eps, step.j_eps)]
    return _line(step.x, step.j, step.k, lo, hi, through)


def _window_edge(f: Evaluator, outside: float, inside: float, half: float) -> float:
    """Where J's domain starts between an undefined point and a defined one, rounded to a
    billionth of the half-width so 0 comes out as 0 (the window of sqrt w starts at 0)."""
    edge, _ = _domain_edges(f, np.array([inside]), np.array([outside]), np.array([True]))
    quantum = 10.0 ** np.floor(np.log10(half * 1e-9))
    return float(np.round(edge[0] / quantum) * quantum)


def default_window(
    expr: sympy.Expr, var: str, x0: float, values: dict | None = None
) -> tuple[float, float]:
    """A window [lo, hi] around x0 for drawing J.

    Starts at x0 ± max(2, |x0|/2); halves while J's spread on it is more than 10 times what the
    tangent explains (|J(x0)| + |J′(x0)|·half), so fast-growing J stay readable; then, where J is
    undefined all the way from one end up to a point short of x0 (sqrt, log, asin), that end is
    moved to the edge of the domain. If J has other variables and `values` lacks them, it cannot
    be inspected and the plain window is returned.
    """
    x0 = float(x0)
    if not np.isfinite(x0):
        raise ValueError(f"The point must be a finite number, got {x0}")
    half = max(2.0, 0.5 * abs(x0))
    biggest = float(np.finfo(np.float64).max)

    def window(half: float) -> tuple[float, float]:
        # clipped so that a point near the largest double still gets a finite window
        with np.errstate(over="ignore"):
            return max(x0 - half, -biggest), min(x0 + half, biggest)

    try:
        f = _evaluator(expr, var, _values_key(values))
        d = _evaluator(_derivative(expr, var), var, _values_key(values))
    except ValueError:
        return window(half)
    y0 = float(f(np.array([x0]))[0])
    slope = float(d(np.array([x0]))[0])
    smallest = 1e-6 * max(1.0, abs(x0))
    while True:
        xs = np.linspace(*window(half), 401)
        ys = f(xs)
        explained = abs(y0) + abs(slope) * half
        if not (np.isfinite(explained) and explained > 0) or half / 2 < smallest:
            break
        if _spread(ys) <= _SPREAD_LIMIT * explained:
            break
        half /= 2
    lo, hi = window(half)
    if np.isfinite(y0):
        centre = int(np.argmin(np.abs(xs - x0)))
        defined = np.isfinite(ys)
        left_undefined = np.flatnonzero(~defined[:centre])
        if left_undefined.size and not defined[: left_undefined[-1] + 1].any():
            last = left_undefined[-1]
            lo = _window_edge(f, xs[last], xs[last + 1], half)
        right_undefined = np.flatnonzero(~defined[centre:]) + centre
        if right_undefined.size and not defined[right_undefined[0] :].any():
            first = right_undefined[0]
            hi = _window_edge(f, xs[first], xs[first - 1], half)
    return float(lo), float(hi)
