"""Text alternatives for the charts: one short sentence of what each shows, computed from the same
numbers the chart draws, for screen readers (and anyone who asks)."""

import math

import numpy as np

from derivcore.curves import default_window, point_value, tangent_slope
from derivcore.nudge import nudge
from derivcore.number_format import number_text, spoken_number

CLEAR_FACTOR = 3.0  # a change smaller than this factor reads as flat at one significant digit


def _spoken_bound(value: float) -> str:
    """`value` to one significant digit rounded down, so that "every ε below it" stays true."""
    mantissa, exponent = f"{value:.12e}".split("e")
    return spoken_number(float(f"{int(float(mantissa))}e{exponent}"))


def _level(values: np.ndarray) -> str:
    """A flat stretch: "at about X", or "between X and Y" when its ends differ visibly."""
    lo, hi = float(values.min()), float(values.max())
    if spoken_number(lo) == spoken_number(hi):
        return f"at about {spoken_number(lo)}"
    return f"between {spoken_number(lo)} and {spoken_number(hi)}"


def _star(best: tuple[float, float] | None) -> str:
    if best is None:
        return ""
    level = f"about {spoken_number(best[1])}" if best[1] else "exactly 0"
    return f" (the ★, smoothed over ±½ decade of ε: {level} at ε = {spoken_number(best[0])})"


def error_sentence(
    eps: np.ndarray, error: np.ndarray, label: str, best: tuple[float, float] | None = None
) -> str:
    """How the error of one scheme changes as ε shrinks, in the order the student shrinks it.

    "Falls" and "rises" only for a change by more than `CLEAR_FACTOR` from the smallest error;
    anything less is "stays at about X". The plateau where k = 0 (w + ε == w) is named where the
    error rises to it; exact zeros at the smallest steps are "exactly 0 for every ε below Y";
    other exact zeros and missing values (nan) are counted, since a log axis cannot draw them.
    `best` is the measured best (ε, error) the chart's star marks (`ErrorSweep.measured_best`,
    smoothed): named beside the curve's own smallest value, which can be a lucky single step."""
    order = np.argsort(eps)[::-1]  # from the largest ε to the smallest, as the student shrinks it
    eps, error = np.asarray(eps, dtype=float)[order], np.asarray(error, dtype=float)[order]
    zero, missing = error == 0, ~np.isfinite(error)
    shown = ~zero & ~missing
    counts = []
    finite = np.flatnonzero(~missing)
    tail = len(finite)  # exact zeros from here on in `finite` are "every ε below"
    while tail > 0 and zero[finite[tail - 1]]:
        tail -= 1
    zero_tail = finite[tail:]
    if len(zero_tail) < 2 or not shown.any() or zero.sum() > len(zero_tail):
        zero_tail = finite[:0]  # a lone zero, or zeros scattered along the curve: counted
    if zero_tail.size:
        counts.append(f"exactly 0 for every ε below {_spoken_bound(eps[zero_tail[0]])}")
    if int(zero.sum()) - zero_tail.size:
        counts.append(f"exactly 0 at {int(zero.sum()) - zero_tail.size} steps")
    if missing.any():
        counts.append(f"undefined at {int(missing.sum())} steps")
    if not shown.any():
        if not missing.any():
            return f"{label}: the error is exactly 0 at every ε."
        return f"{label}: no error to show ({'; '.join(counts)})."
    e, x = error[shown], eps[shown]
    smallest = int(np.argmin(e))
    low = e[smallest]
    rest = e[smallest + 1 :]
    if e[0] > CLEAR_FACTOR * low:
        text = f"{label}: the error falls from {spoken_number(e[0])} at ε = {spoken_number(x[0])}"
        text += (
            f" to its smallest, {spoken_number(low)}, at ε = {spoken_number(x[smallest])}"
            if rest.size
            else f" to {spoken_number(low)} at ε = {spoken_number(x[smallest])}"
        )
    elif e[: smallest + 1].max() <= CLEAR_FACTOR * low and (
        not rest.size or rest.max() <= CLEAR_FACTOR * low
    ):
        # Flat from end to end: nothing falls or rises.
        text = f"{label}: the error stays {_level(e)} from ε = {spoken_number(x[0])}"
        text += f" to ε = {spoken_number(x[-1])}{_star(best)}"
        return "; ".join([text, *counts]) + "."
    elif smallest == 0:
        text = f"{label}: the error is smallest, {spoken_number(low)}, at ε = {spoken_number(x[0])}"
    else:
        text = (
            f"{label}: the error starts at {spoken_number(e[0])} at ε = {spoken_number(x[0])}, "
            f"is smallest, {spoken_number(low)}, at ε = {spoken_number(x[smallest])}"
        )
    text += _star(best)
    if rest.size and rest[-1] > CLEAR_FACTOR * low:
        # The plateau: the run of equal errors at the smallest steps.
        start = len(e) - 1
        while start > smallest and e[start - 1] == e[-1]:
            start -= 1
        where = (
            f"below ε = {_spoken_bound(x[start])}"
            if start < len(e) - 1
            else f"at ε = {spoken_number(x[-1])}"
        )
        text += f", then rises to {spoken_number(e[-1])} {where}"
    elif rest.size and rest.max() > CLEAR_FACTOR * low:
        top = smallest + 1 + int(np.argmax(rest))
        text += (
            f", then rises to {spoken_number(e[top])} at ε = {spoken_number(x[top])} and falls "
            f"back to {spoken_number(e[-1])} at ε = {spoken_number(x[-1])}"
        )
    elif rest.size:
        until = (
            "for every smaller ε"
            if order.size and shown[-1]
            else f"down to ε = {spoken_number(x[-1])}"
        )
        text += f", then stays {_level(e[smallest:])} {until}"
    return "; ".join([text, *counts]) + "."


def distinct_texts(a: float, b: float, digits: int = 6) -> tuple[str, str]:
    """`a` and `b` with `digits` significant digits, or as many more as it takes (up to 17, which
    tells every two floats apart) for two different numbers to read differently; −0 reads 0."""
    for places in range(digits, 18):
        texts = number_text(a, f".{places}g"), number_text(b, f".{places}g")
        if a == b or texts[0] != texts[1]:
            return texts
    return texts


def curve_sentence(
    var: str, lo: float, hi: float, x0: float, j0: float, slope: float, eps: float, k: float
) -> str:
    """The curve chart: the window, the point, and the slopes of the tangent and the secant,
    with enough digits that a secant and a tangent that differ read differently."""
    at = f"{var} = {number_text(x0, '.6g')}"
    point = f"J = {number_text(j0, '.6g')}" if math.isfinite(j0) else "J is not defined"
    slope_text, k_text = distinct_texts(slope, k)
    tangent = "there is no tangent"
    if math.isfinite(slope):
        tangent = f"the tangent's slope is {slope_text}"
    same = " (the same number)" if math.isfinite(k) and k == slope else ""
    secant = (
        f"the secant's for ε = {eps:g} is {k_text}{same}"
        if math.isfinite(k)
        else f"there is no secant for ε = {eps:g}"
    )
    window = f"{var} = {number_text(lo, '.6g')} to {number_text(hi, '.6g')}"
    return f"J({var}) from {window}. At {at}, {point}; {tangent} and {secant}."


def describe_error_chart(sweep, kind: str = "abs") -> str:
    """One sentence per scheme and precision of an error chart (`kind` "abs" or "rel"). Where
    J′ = 0 the relative error is undefined and the chart (error_figure) draws the absolute error
    instead: so does this description, and it says so."""
    sentences = []
    if kind == "rel" and any(sweep.reference(dtype) == 0 for dtype in sweep.dtypes):
        sentences.append(
            f"J′({sweep.var}) = 0 here, so the relative error is undefined: the chart shows the "
            "absolute error."
        )
        kind = "abs"
    for scheme in sweep.schemes:
        for dtype in sweep.dtypes:
            label = f"{scheme.replace('_', '-')}, {dtype}"
            if sweep.not_applicable(scheme, dtype):
                continue
            error = sweep.rel_error(scheme, dtype) if kind == "rel" else sweep.abs_error(
                scheme, dtype
            )
            best = sweep.measured_best(scheme, dtype)
            if best is not None and kind == "rel":
                best = (best[0], best[1] / abs(sweep.reference(dtype)))  # as the star is drawn
            sentences.append(error_sentence(sweep.eps, error, label, best))
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
