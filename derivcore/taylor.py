"""Taylor polynomials of J at the point: order 1 (the tangent) to 4, and where they stop existing.

    Tₙ(w) = Σ_{i=0..n} J⁽ⁱ⁾(w₀)/i! · (w − w₀)ⁱ,     J(w) − Tₙ(w) = O((w − w₀)ⁿ⁺¹).

T₁ is the tangent. The link to the error page: the forward difference is exact for T₁ and its
error comes from the next term, (J(w₀+ε) − J(w₀))/ε − J′(w₀) = J″(w₀)/2 · ε + O(ε²): the
truncation constant C = J″/2 is the order-2 Taylor coefficient.

A coefficient J⁽ⁱ⁾(w₀) needs J⁽ⁱ⁻¹⁾ to be differentiable at w₀; where it is not (|w| at 0: no
J′; w^(3/2) at 0: no J″; a pole: not even J) the polynomials of that order and beyond do not exist
and `TaylorExpansion.missing` says why. Symbolic work runs under the time bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy

from derivcore.bounded import run_bounded
from derivcore.point_values import derivative_at, value_at
from derivcore.symbolic import derivative

MAX_ORDER = 4


@dataclass(frozen=True)
class TaylorExpansion:
    """J⁽ⁱ⁾(w₀)/i! for i = 0..len−1 (as float64), and the reason the next one does not exist."""

    x0: float
    coefficients: tuple[float, ...]
    missing: str

    @property
    def highest_order(self) -> int:
        """The highest order n for which Tₙ exists (−1: not even J(w₀))."""
        return len(self.coefficients) - 1

    def polynomial(self, order: int, w: np.ndarray) -> np.ndarray:
        """Tₙ(w) for n = order (ValueError if it does not exist)."""
        if not 0 <= order <= self.highest_order:
            raise ValueError(f"The Taylor polynomial of order {order} does not exist here.")
        t = np.asarray(w, dtype=np.float64) - self.x0
        result = np.zeros_like(t)
        for c in reversed(self.coefficients[: order + 1]):  # Horner
            result = result * t + c
        return result


def taylor_expansion(
    expr: sympy.Expr, var: str, point, values: dict | None = None, max_order: int = MAX_ORDER
) -> TaylorExpansion:
    """The Taylor coefficients of J at `point` (exact SymPy number or float) up to `max_order`.

    Each derivative is taken under the time bound (raises WorkTimeout when that runs out); each
    value comes from `derivative_at`, which also says where J⁽ⁱ⁻¹⁾ has no slope.
    """
    if not 1 <= max_order <= MAX_ORDER:
        raise ValueError(f"The order must be between 1 and {MAX_ORDER}.")
    start = value_at(expr, var, point, values)
    if not start.defined or start.decimal is None or not math.isfinite(start.decimal):
        return TaylorExpansion(float(point), (), start.message or "J is too large here")
    coefficients = [start.decimal]
    lower = expr
    missing = ""
    for order in range(1, max_order + 1):
        value = derivative_at(lower, var, point, values)
        if not value.defined or value.decimal is None or not math.isfinite(value.decimal):
            reason = value.message or "it is too large"
            if order > 1:
                reason = reason.replace("J is", f"J{_primes(order - 1)} is", 1)
            missing = f"From order {order} on there is no Taylor polynomial here: {reason}."
            break
        coefficients.append(value.decimal / math.factorial(order))
        if order < max_order:
            lower = run_bounded(derivative, expr, var, order)
    return TaylorExpansion(float(point), tuple(coefficients), missing)


def _primes(order: int) -> str:
    return {1: "′", 2: "″", 3: "‴"}.get(order, f"⁽{order}⁾")


def taylor_latex(expansion: TaylorExpansion, order: int, var: str) -> str:
    """Tₙ written out with its coefficients, e.g. T_2(w) = 9 + 6 (w - 3) + 1 (w - 3)^2."""
    x0 = f"{expansion.x0:.6g}"
    shift = var if expansion.x0 == 0 else rf"\left({var} {'-' if expansion.x0 > 0 else '+'} "
    if expansion.x0 != 0:
        shift += f"{abs(expansion.x0):.6g}" + r"\right)"
    terms = []
    for i, c in enumerate(expansion.coefficients[: order + 1]):
        number = f"{c:.6g}".replace("e", r"\times 10^{") + ("}" if "e" in f"{c:.6g}" else "")
        if i == 0:
            terms.append(number)
        else:
            power = shift if i == 1 else f"{shift}^{{{i}}}"
            terms.append(rf"{number}\,{power}")
    body = " + ".join(terms).replace("+ -", "- ")
    return rf"T_{{{order}}}({var}) = {body} \quad (\text{{at }} {var}_0 = {x0})"


def forward_truncation_text(expansion: TaylorExpansion, eps: float) -> str:
    """The link to the error page. With the Taylor coefficients cₙ = J⁽ⁿ⁾(w₀)/n!,
    (J(w₀+ε) − J(w₀))/ε − J′(w₀) = c₂·ε + c₃·ε² + …: the first non-zero cₙ leads (C = J″/2
    unless J″ = 0), and quoting it at ε is fair only while the next term is small beside it."""
    coefficients = expansion.coefficients
    if expansion.highest_order < 2:
        return (
            "J″ does not exist at this point, so J has no order-2 Taylor term here and Taylor's "
            "theorem does not give the forward difference's error as C·ε."
        )
    leading = next((n for n in range(2, len(coefficients)) if coefficients[n] != 0), None)
    if leading is None:
        return (
            f"J″ = … = J{_primes(expansion.highest_order)} = 0 here: the forward difference's "
            f"truncation error has no term up to ε^{expansion.highest_order - 1}."
        )
    c = coefficients[leading]
    if leading == 2:
        text = (
            "The forward difference is exact for T₁ (the tangent): its error comes from the "
            "next term. (J(w₀+ε) − J(w₀))/ε − J′(w₀) = J″(w₀)/2 · ε + …, so the truncation "
            f"error on the error page is C·ε with C = J″/2 = {c:.6g}"
        )
    else:
        zero = ", ".join(f"J{_primes(n)}" for n in range(2, leading))
        text = (
            f"The forward difference is exact for T₁ (the tangent), and here {zero} = 0, so "
            f"its error comes from the first term that remains: J{_primes(leading)}(w₀)/"
            f"{leading}! · ε^{leading - 1} + …, i.e. C·ε^{leading - 1} with C = {c:.6g}"
        )
    if c < 0:
        text += f" (the error page plots its size, {abs(c):.6g})"
    size = abs(c) * eps ** (leading - 1)
    following = leading + 1
    if following < len(coefficients):
        next_size = abs(coefficients[following]) * eps ** (following - 1)
        if next_size > size / 3:  # one term would be off by a third or more
            return (
                f"{text}. At ε = {eps:g} the next term ({next_size:.3g}) is not small beside "
                f"this one ({size:.3g}), so ε is too large for one term to give the error."
            )
    return f"{text}: for ε = {eps:g} about {size:.3g}."
