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
from derivcore.symbolic import derivative, derivative_at, value_at

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

    @property
    def forward_truncation_constant(self) -> float | None:
        """C = J″(w₀)/2 in the forward difference's truncation error C·ε (None without J″)."""
        return self.coefficients[2] if self.highest_order >= 2 else None


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
            name = "J" if order == 1 else f"J{_primes(order - 1)}"
            reason = value.message.replace("J is", f"{name} is", 1) if value.message else ""
            missing = (
                f"From order {order} on there is no Taylor polynomial: J{_primes(order)} does "
                f"not exist here ({reason or 'too large'})."
            )
            break
        coefficients.append(value.decimal / math.factorial(order))
        if order < max_order:
            lower = run_bounded(derivative, expr, var, order)
    return TaylorExpansion(float(point), tuple(coefficients), missing)


def _primes(order: int) -> str:
    return {1: "′", 2: "″", 3: "‴"}.get(order, f"⁽{order}⁾")
