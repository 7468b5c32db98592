"""The error of k in exact arithmetic: what is left when floating point is taken away.

Only truncation remains, so the curve is a straight line of slope p (the scheme's order) on
log-log axes all the way down: the right arm of the V without its left arm.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from derivcore.finite_differences import complex_step_unavailable
from derivcore.precise import mp_context, precise_function, precise_value
from derivcore.reference import precise_derivative
from derivcore.schemes import scheme_named

EXACT_SUBGRID_DECADES = 1.0  # spacing of the ε at which the exact-arithmetic curve is computed


def _digits(eps: float, schemes: tuple[str, ...]) -> int:
    """Digits for the exact quotient at ε: the cancellation costs log10(1/ε) digits, and a
    truncation error of order p (plus two, in case the leading derivative vanishes) needs
    p·log10(1/ε) more to be seen; 30 to spare."""
    highest = max(scheme_named(s).order for s in schemes)
    return int(math.ceil((highest + 3) * max(0.0, -math.log10(eps)))) + 30


def exact_arithmetic_errors(
    expr: sympy.Expr, var: str, x_float: float, parameters: tuple, eps: np.ndarray, schemes
) -> dict[str, np.ndarray]:
    """|k − J′| per scheme for every ε, with k computed without floating point: x_float and each
    ε exactly, at enough digits that even the five-point error at ε = 1e-20 (~1e-80) is
    resolved. Computed at ε spaced ~1 decade apart and interpolated in log-log between them
    (the curve is a power law there); every ε is computed where a gap or an exact 0 begins.
    All schemes in one pass, sharing the values of f; nan where the complex step does not apply.

    All mpmath work happens inside this call, in this thread's context: no mpmath number
    outlives it (a cached sweep may be used from another thread later). Differences below
    the noise of the precision used (2^(10 − bits)·max|f|/ε) are reported as 0.
    """
    most = _digits(float(eps.min()), schemes)
    function = precise_function(expr, var)
    derivative = precise_derivative(expr, var, x_float, parameters, most)
    context = mp_context(most)
    x = context.mpf(x_float)
    fixed = [context.mpf(p) for p in parameters]
    at_x = precise_value(function, context, x, *fixed)
    missing = not context.isfinite(derivative) or not context.isfinite(at_x)
    cache: dict = {}

    def f(point):
        key = (point.real, point.imag) if isinstance(point, context.mpc) else point
        if key not in cache:
            cache[key] = precise_value(function, context, point, *fixed)
        return cache[key]

    steps: dict[int, object] = {}  # per ε, as an mpmath number

    def error_at(scheme: str, i: int) -> float:
        if missing:
            return math.nan
        step = float(eps[i])
        context.dps = _digits(step, schemes)
        e = steps.setdefault(i, context.mpf(step))
        definition = scheme_named(scheme)
        values = {}

        def value(offset: int):
            if definition.imaginary:
                point = context.mpc(x, e)
            else:
                point = x if offset == 0 else x + offset * e
            values[offset] = at_x if point is x else f(point)
            return values[offset]

        k = definition.combine(value, e)
        if not context.isfinite(k):
            return math.nan
        error = float(abs(k - derivative))
        size = max(float(abs(v)) for v in values.values())
        return 0.0 if error <= math.ldexp(size / step, 10 - context.prec) else error

    curves = {}
    for scheme in schemes:
        if scheme == "complex_step" and complex_step_unavailable(expr, "float64"):
            curves[scheme] = np.full(eps.shape, np.nan)
        else:
            curves[scheme] = _interpolated(eps, lambda i, s=scheme: error_at(s, i))
    return curves


def _interpolated(eps: np.ndarray, error_at) -> np.ndarray:
    """error_at(i) on a sub-grid ~1 decade apart, interpolated linearly in log-log;
    computed at every ε between two sub-grid points of different kind (nan / 0 / > 0)."""
    order = np.argsort(eps)
    log_eps = np.log10(eps[order])
    picked = [0]
    for position in range(1, len(order)):
        if log_eps[position] - log_eps[picked[-1]] >= EXACT_SUBGRID_DECADES:
            picked.append(position)
    if picked[-1] != len(order) - 1:
        picked.append(len(order) - 1)
    result = np.full(len(order), np.nan)
    for p in picked:
        result[p] = error_at(order[p])

    def kind(value: float) -> int:
        return 0 if math.isnan(value) else (1 if value == 0 else 2)

    for a, b in zip(picked, picked[1:], strict=False):
        if b - a < 2:
            continue
        inner = np.arange(a + 1, b)
        if kind(result[a]) != kind(result[b]):
            for p in inner:
                result[p] = error_at(order[p])
        elif kind(result[a]) == 2:
            result[inner] = 10 ** np.interp(
                log_eps[inner], log_eps[[a, b]], np.log10(result[[a, b]])
            )
        elif kind(result[a]) == 1:
            result[inner] = 0.0
    out = np.empty(len(order))
    out[order] = result
    return out
