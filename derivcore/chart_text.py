"""Text alternatives for the charts: one short sentence of what each shows, computed from the same
numbers the chart draws, for screen readers (and anyone who asks)."""

import math

import numpy as np

from derivcore.curves import default_window, point_value, tangent_slope
from derivcore.nudge import nudge
from derivcore.number_format import spoken_number


def error_sentence(eps: np.ndarray, error: np.ndarray, label: str) -> str:
    """How the error of one scheme changes as ε shrinks: where it starts (largest ε), its
    smallest value and where, and where it ends, naming the plateau where the error no longer
    changes (w + ε == w: k = 0). Exact zeros and missing values (nan) are counted, not drawn."""
    order = np.argsort(eps)[::-1]  # from the largest ε to the smallest, as the student shrinks it
    eps, error = np.asarray(eps, dtype=float)[order], np.asarray(error, dtype=float)[order]
    shown = np.isfinite(error) & (error > 0)
    if not shown.any():
        return f"{label}: no error to show (every value is exactly 0 or undefined)."
    e, x = error[shown], eps[shown]
    smallest = int(np.argmin(e))
    text = f"{label}: the error falls from {spoken_number(e[0])} at ε = {spoken_number(x[0])}"
    if smallest == 0:
        text = (
            f"{label}: the error is smallest, {spoken_number(e[0])}, "
            f"at ε = {spoken_number(x[0])}"
        )
    elif smallest == len(e) - 1:
        text += f" to {spoken_number(e[-1])} at ε = {spoken_number(x[-1])}"
    else:
        text += (
            f" to its smallest, {spoken_number(e[smallest])}, "
            f"at ε = {spoken_number(x[smallest])}"
        )
    if smallest < len(e) - 1:
        # The plateau: the run of equal errors at the smallest steps.
        start = len(e) - 1
        while start > smallest and e[start - 1] == e[-1]:
            start -= 1
        where = (
            f"below ε = {spoken_number(x[start])}"
            if start < len(e) - 1
            else f"at ε = {spoken_number(x[-1])}"
        )
        text += f", then rises to {spoken_number(e[-1])} {where}"
    zeros = int(np.sum(error == 0))
    missing = int(np.sum(~np.isfinite(error)))
    if zeros:
        text += f"; exactly 0 at {zeros} steps"
    if missing:
        text += f"; undefined at {missing} steps"
    return text + "."


def curve_sentence(
    var: str, lo: float, hi: float, x0: float, j0: float, slope: float, eps: float, k: float
) -> str:
    """The curve chart: the window, the point, and the slopes of the tangent and the secant."""
    at = f"{var} = {x0:.6g}"
    point = f"J = {j0:.6g}" if math.isfinite(j0) else "J is not defined"
    tangent = "there is no tangent"
    if math.isfinite(slope):
        tangent = f"the tangent's slope is {slope:.6g}"
    secant = (
        f"the secant's for ε = {eps:g} is {k:.6g}"
        if math.isfinite(k)
        else f"there is no secant for ε = {eps:g}"
    )
    return f"J({var}) from {var} = {lo:.6g} to {hi:.6g}. At {at}, {point}; {tangent} and {secant}."


def describe_error_chart(sweep, kind: str = "abs") -> str:
    """One sentence per scheme and precision of an error chart (`kind` "abs" or "rel")."""
    sentences = []
    for scheme in sweep.schemes:
        for dtype in sweep.dtypes:
            label = f"{scheme.replace('_', '-')}, {dtype}"
            if sweep.not_applicable(scheme, dtype):
                continue
            error = sweep.rel_error(scheme, dtype) if kind == "rel" else sweep.abs_error(
                scheme, dtype
            )
            sentences.append(error_sentence(sweep.eps, error, label))
    return " ".join(sentences) or "No error to show."


def describe_curve_chart(expr, var: str, x0: float, eps: float, lo=None, hi=None, values=None):
    """The curve chart's sentence for J at x0 with step ε on [lo, hi] (default window)."""
    if lo is None or hi is None:
        lo, hi = default_window(expr, var, x0, values)
    return curve_sentence(
        var,
        lo,
        hi,
        x0,
        point_value(expr, var, x0, values),
        tangent_slope(expr, var, x0, values),
        eps,
        nudge(expr, var, x0, eps, values).k,
    )
