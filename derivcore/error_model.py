"""The error model of a difference quotient: truncation + rounding, per scheme and dtype.

Truncation. Taylor's theorem gives k − J′(x) = Σₙ aₙ·J⁽ⁿ⁾(x)·ε^(n−1) with, per scheme (derived
from the scheme's stencil in `derivcore.schemes`),

    forward, backward   |aₙ| = 1/n!              n = 2, 3, 4, ...   (J″/2·ε leads: order 1)
    central             |aₙ| = 1/n!              n = 3, 5, 7, ...   (J‴/6·ε²: order 2)
    five_point          |aₙ| = (2ⁿ − 8)/(6·n!)   n = 5, 7, 9, ...   (J⁽⁵⁾/30·ε⁴: order 4)
    complex_step        |aₙ| = 1/n!              n = 3, 5, 7, ...   (J‴/6·ε²: order 2)

The model keeps one term C·ε^order. Normally that is the first term; when its derivative is 0
(J″ = 0 for the sigmoid at 0) the next non-zero term takes over, and when the first term is merely
tiny the term that limits the best achievable error is kept (see `error_model`).

Rounding. Each value of f carries a relative error of about u (the unit roundoff), and x + ε is
itself rounded, moving the argument by about u·|x|. With k = Σ cᵢ f(x + aᵢε)/(d·ε):

    R = u·(Σ|cᵢ|/d·|f(x)| + Σ_{aᵢ≠0}|cᵢ|/d·|x·f′(x)|)      rounding(ε) = R/ε + u·|f′(x)|

(the step trick removes the |x·f′| part). The floor u·|f′| is the rounding of k itself. The complex
step subtracts nothing: its rounding is the floor alone, independent of ε (R = 0).

Best step: minimising C·ε^p + R/ε gives h* = (R/(p·C))^(1/(p+1)) and E* = (1 + 1/p)·R/h* + floor.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from derivcore.finite_differences import shifted, validate_dtype, validate_scheme
from derivcore.numeric import round_to_dtype
from derivcore.schemes import HIGHEST_DERIVATIVE, scheme_named

UNIT_ROUNDOFF = {"float64": 2.0**-53, "float32": 2.0**-24, "float16": 2.0**-11}

_FLOAT16_STEP_UNDERFLOW = 2.0**-25


def truncation_series(scheme: str) -> list[tuple[int, Fraction]]:
    """[(n, |aₙ|)] for n ≤ 9: the terms |aₙ|·|J⁽ⁿ⁾(x)|·ε^(n−1) of the truncation error."""
    return scheme_named(scheme).truncation_series()


def _derivative_name(n: int) -> str:
    return {1: "J′", 2: "J″", 3: "J‴"}.get(n, f"J⁽{n}⁾")


def _term_text(scheme: str, n: int) -> str:
    """The truncation term with J⁽ⁿ⁾ as text, e.g. "|J‴|·ε²/6"."""
    weight = dict(truncation_series(scheme))[n]
    power = "ε" + (
        "" if n == 2 else str(n - 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    )
    text = f"|{_derivative_name(n)}|·{power}"
    if weight.numerator != 1:
        text = f"{weight.numerator}·{text}"
    return f"{text}/{weight.denominator}"


@dataclass(frozen=True)
class ErrorModel:
    """Predicted |k − J′| ≈ truncation_coefficient·ε^order + rounding_coefficient/ε + floor.

    `best_eps` is the ε that minimises the total, or None when there is no finite best: only
    rounding remains (no truncation; the larger ε the better) or the error falls all the way to
    0 as ε shrinks; `note` says which. `best_error` is the smallest total the model reaches (its
    infimum). `breakdown_eps` is the largest ε for which every point of the stencil rounds back
    to x in this dtype (k = 0 there; for the complex step: ε itself rounds to 0).
    """

    scheme: str
    dtype: str
    order: int
    truncation_coefficient: float
    rounding_coefficient: float
    best_eps: float | None
    best_error: float | None
    breakdown_eps: float
    rounding_floor: float = 0.0
    note: str = ""
    # The error when every value of J rounds to the same float, so that k = 0: |J′| for the
    # two-point schemes. R/ε cannot exceed it there (sigmoid at 0, ε = 1e-20: R/ε is 1e4, the
    # error 0.25). inf where that is not what the formula gives (five-point, complex step).
    rounding_cap: float = math.inf
    # The order of the first non-zero truncation term; `order` is the term the model keeps, a
    # later one where the first is tiny (sigmoid at 40: J″/2·ε is there, but J‴/6·ε² limits).
    leading_order: int | None = None

    def truncation(self, eps) -> np.ndarray:
        eps = np.asarray(eps, dtype=np.float64)
        with np.errstate(all="ignore"):
            return self.truncation_coefficient * eps**self.order

    def rounding(self, eps) -> np.ndarray:
        """R/ε + floor; at most the cap where the values of J round alike (k = 0 there), which
        is where J's change over the step, |J′|·ε + C·ε^(p+1), stays below their rounding R."""
        eps = np.asarray(eps, dtype=np.float64)
        with np.errstate(all="ignore"):
            magnified = self.rounding_coefficient / eps
            if math.isfinite(self.rounding_cap):
                change = self.rounding_cap * eps + self.truncation_coefficient * eps ** (
                    self.order + 1
                )
                alike = change <= self.rounding_coefficient
                magnified = np.where(alike, np.minimum(magnified, self.rounding_cap), magnified)
            return magnified + self.rounding_floor

    def total(self, eps) -> np.ndarray:
        return self.truncation(eps) + self.rounding(eps)


def breakdown_eps(x, scheme: str, dtype: str) -> float:
    """The largest float ε for which every stencil point x ± aε rounds back to x in `dtype`.

    Found by search on the bit patterns of positive floats (the test "x + ε == x" is monotone
    in ε), so it is exact: for ε ≤ breakdown_eps the forward quotient is exactly 0. About half
    an ulp of x; at x = 0 it is where ε itself underflows (0 in float64, 2⁻²⁵ ≈ 3e-8 in float16).
    For the complex step, whose real part never moves, it is the ε that rounds to 0.
    """
    validate_scheme(scheme)
    validate_dtype(dtype)
    return _breakdown_eps(round_to_dtype(x, dtype), scheme, dtype)


@functools.lru_cache(maxsize=256)
def _breakdown_eps(x: float, scheme: str, dtype: str) -> float:
    if not math.isfinite(x):
        return math.nan
    scalar = np.dtype(dtype).type
    x_d = scalar(x)
    offsets = [a for a in scheme_named(scheme).offsets if a != 0]

    def stays(bits: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            e = bits.view(np.float64).astype(dtype)
            if scheme == "complex_step":
                return e == 0
            return functools.reduce(np.logical_and, [shifted(x_d, e, a) == x_d for a in offsets])

    # stays(0.0) holds, stays(largest float) does not; narrow [low, high] 256-fold per round.
    low, high = 0, int(np.array(np.finfo(np.float64).max).view(np.int64))
    while high - low > 1:
        candidates = np.unique(
            np.array([low + (high - low) * i // 256 for i in range(257)], dtype=np.int64)
        )
        holds = stays(candidates)
        last = int(np.flatnonzero(holds)[-1])
        low, high = int(candidates[last]), int(candidates[last + 1])
    return float(np.array(low, dtype=np.int64).view(np.float64))


def _unavailable(scheme: str, dtype: str, breakdown: float, note: str) -> ErrorModel:
    nan = math.nan
    return ErrorModel(scheme, dtype, 0, nan, nan, None, None, breakdown, nan, note)


def not_applicable_model(scheme: str, dtype: str, reason: str) -> ErrorModel:
    """A model that predicts nothing (nan everywhere), carrying the reason as its note."""
    return _unavailable(scheme, dtype, math.nan, reason)


def error_model(
    scheme: str, dtype: str, x, derivatives: Sequence[float], step_trick: bool = False
) -> ErrorModel:
    """The model for `scheme` in `dtype` at x, from derivatives[n] = J⁽ⁿ⁾(x), n = 0, ..., 9.

    x is the point as represented in the dtype; the derivatives should be right to several
    digits, and exactly 0.0 where the true value is 0 (the caller knows its noise). Picking the
    truncation term: of the first two non-zero terms, the one whose own optimum E* is larger
    limits the accuracy, so it is kept; normally that is the first, but where J″ is tiny rather
    than 0 (cos near π/2) it is the ε² term. Never raises for zero derivatives: see
    `ErrorModel.best_eps` for what None means.
    """
    validate_scheme(scheme)
    validate_dtype(dtype)
    breakdown = breakdown_eps(x, scheme, dtype)
    # `derivatives` may compute its entries on demand (error_sweep's): only the orders the
    # scheme's leading terms need are read.
    if len(derivatives) <= HIGHEST_DERIVATIVE:
        raise ValueError(f"error_model needs J⁽ⁿ⁾(x) for n = 0, ..., {HIGHEST_DERIVATIVE}.")
    no_model = _unavailable(
        scheme,
        dtype,
        breakdown,
        "J or one of its derivatives is not defined (or not finite) here, so there is no model.",
    )
    values = {n: float(derivatives[n]) for n in (0, 1)}
    if not all(math.isfinite(v) for v in values.values()):
        return no_model
    u = UNIT_ROUNDOFF[dtype]
    x_value = float(round_to_dtype(x, dtype))
    value_weight, point_weight = scheme_named(scheme).rounding_weights
    if step_trick:
        point_weight = 0.0
    rounding = u * (value_weight * abs(values[0]) + point_weight * abs(x_value * values[1]))
    floor = u * abs(values[1])

    terms = []  # (n, C, order)
    for n, weight in truncation_series(scheme):
        values[n] = float(derivatives[n])
        if not math.isfinite(values[n]):
            return no_model
        coefficient = float(weight) * abs(values[n])
        if coefficient > 0:
            terms.append((n, coefficient, n - 1))
            if len(terms) == 2:
                break
    first_n = truncation_series(scheme)[0][0]

    if not terms:
        tail = (
            "any ε gives the same error"
            if scheme == "complex_step"
            else "rounding shrinks as ε grows, so the best ε is as large as you like"
        )
        return ErrorModel(
            scheme,
            dtype,
            first_n - 1,
            0.0,
            rounding,
            None,
            floor,
            breakdown,
            floor,
            f"No truncation error: every derivative in this scheme's "
            f"error terms (up to J⁽{HIGHEST_DERIVATIVE}⁾) is 0 here, so only "
            f"rounding remains; {tail}.",
        )

    if rounding > 0:
        candidates = []
        for n, coefficient, order in terms:
            log_h = (math.log(rounding) - math.log(order * coefficient)) / (order + 1)
            h = math.exp(min(log_h, 700.0))
            best = (1 + 1 / order) * rounding / h + floor
            candidates.append((best, h, n, coefficient, order))
        best_error, best_eps, n, coefficient, order = max(candidates)
    elif floor > 0:
        # Nothing grows as ε shrinks (f(x) = 0 at x = 0, or the complex step): the error falls
        # to the floor u·|J′| and stays there; best_eps is where truncation reaches the floor.
        candidates = [(floor / coefficient) ** (1 / order) for _, coefficient, order in terms]
        best_eps = min(candidates)
        n, coefficient, order = terms[candidates.index(best_eps)]
        best_error = floor
    else:
        n, coefficient, order = terms[0]
        return ErrorModel(
            scheme,
            dtype,
            order,
            coefficient,
            0.0,
            None,
            0.0,
            breakdown,
            0.0,
            "Neither J nor J′ contributes rounding error here (both are 0), so "
            "the error keeps falling as ε shrinks, until ε underflows: the best ε "
            "is as small as you like.",
        )

    notes = []
    if n != first_n:
        if terms[0][0] == n:
            skipped = [_derivative_name(m) for m, _ in truncation_series(scheme) if m < n]
            notes.append(
                f"{', '.join(skipped)} = 0 here, so the leading truncation term is "
                f"{_term_text(scheme, n)} (order {order})."
            )
        else:
            notes.append(
                f"{_derivative_name(terms[0][0])} is tiny here, so near the best ε the "
                f"term {_term_text(scheme, n)} (order {order}) dominates."
            )
    if dtype == "float16":
        notes.append(
            f"In float16 ε itself rounds to 0 below {_FLOAT16_STEP_UNDERFLOW:.3g} (half the "
            f"smallest subnormal), where k = 0/0."
        )
    if scheme == "complex_step" or rounding == 0:
        notes.append(
            f"Rounding does not grow as ε shrinks here: any ε below {best_eps:.1e} gives about "
            "the smallest error, u·|J′|."
        )
    definition = scheme_named(scheme)
    two_point = len(definition.terms) == 2 and not definition.imaginary
    cap = abs(values[1]) if two_point else math.inf
    if best_error > cap + floor or best_eps <= breakdown:
        # Truncation plus rounding cost more than k = 0 does at every ε: the best the quotient
        # does is k = 0, where the step is so small that the values of J round alike.
        if cap == 0:
            notes.append(
                f"J′ = 0 here: where ε is small enough that the values of J round alike in "
                f"{dtype}, k = 0, which is exactly J′; no ε does better."
            )
        else:
            notes.append(
                f"Here truncation and the rounding of J in {dtype} cost more than |J′| = "
                f"{cap:.2g} at every ε, so nothing beats k = 0, which the quotient gives where "
                "ε is small enough that the values of J round alike: the smallest error is "
                "|J′| itself."
            )
        best_eps, best_error = None, cap + floor
    return ErrorModel(
        scheme,
        dtype,
        order,
        coefficient,
        rounding,
        best_eps,
        best_error,
        breakdown,
        floor,
        " ".join(notes),
        cap,
        terms[0][2],
    )
