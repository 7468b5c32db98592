"""The difference schemes, each defined once: k = Σ cᵢ·f(x + aᵢ·ε) / (d·ε).

    forward       (f(x+ε) − f(x)) / ε                              order 1
    backward      (f(x) − f(x−ε)) / ε                              order 1
    central       (f(x+ε) − f(x−ε)) / (2ε)                         order 2
    five_point    (f(x−2ε) − 8f(x−ε) + 8f(x+ε) − f(x+2ε)) / (12ε)  order 4
    complex_step  Im f(x + iε) / ε                                 order 2

A scheme is its terms (aᵢ, cᵢ) in the order the formula writes them and its divisor d; the complex
step has one term at a = i and keeps the imaginary part. Everything else is derived from that:
the evaluation (in any arithmetic: NumPy arrays in a dtype, Python floats, mpmath numbers), the
truncation series from Taylor's theorem, the weights of the rounding model, the text of the
formula and its Python code.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

HIGHEST_DERIVATIVE = 9  # the error model looks at J⁽ⁿ⁾ for n ≤ 9


@dataclass(frozen=True)
class Scheme:
    """One difference quotient k = Σ c·f(x + a·ε) / (divisor·ε); `imaginary`: a = i, take Im."""

    name: str
    label: str
    terms: tuple[tuple[int, int], ...]
    divisor: int
    imaginary: bool = False

    @property
    def offsets(self) -> tuple[int, ...]:
        """The real offsets a of the points x + a·ε the scheme evaluates f at, sorted."""
        return () if self.imaginary else tuple(sorted(a for a, _ in self.terms))

    def combine(self, value: Callable, h):
        """k from value(a) = f(x + a·h), summed in the formula's order (so in a float type
        the rounding is the formula's, bit for bit: 1·f is f, f + (−8)·g is f − 8·g)."""
        total = None
        for offset, weight in self.terms:
            term = value(offset) if weight == 1 else weight * value(offset)
            total = term if total is None else total + term
        if self.imaginary:
            total = total.imag
        return total / h if self.divisor == 1 else total / (self.divisor * h)

    def truncation_series(self) -> list[tuple[int, Fraction]]:
        """[(n, |aₙ|)] for 2 ≤ n ≤ 9 with aₙ ≠ 0, where Taylor's theorem gives
        k − J′(x) = Σₙ aₙ·J⁽ⁿ⁾(x)·ε^(n−1), aₙ = Σ cᵢ·aᵢⁿ / (d·n!) (for the complex step the
        imaginary part of Σ cᵢ·iⁿ)."""
        return list(self._series)

    @functools.cached_property
    def _series(self) -> tuple[tuple[int, Fraction], ...]:
        # Computed once per scheme: the exact-arithmetic curve asks for the order per ε.
        series = []
        for n in range(2, HIGHEST_DERIVATIVE + 1):
            if self.imaginary:
                moment = Fraction(sum(c * (1 if n % 4 == 1 else -1) for _, c in self.terms))
                moment = moment if n % 2 == 1 else Fraction(0)
            else:
                moment = Fraction(sum(c * a**n for a, c in self.terms))
            weight = abs(moment) / (self.divisor * math.factorial(n))
            if weight:
                series.append((n, weight))
        return tuple(series)

    @property
    def order(self) -> int:
        """p in the leading truncation term C·ε^p."""
        return self._series[0][0] - 1

    @property
    def rounding_weights(self) -> tuple[float, float]:
        """(Σ|cᵢ|/d, Σ_{aᵢ≠0}|cᵢ|/d): how the rounding of the values of f and of the points
        x + aᵢ·ε enters k. 0 for the complex step, which subtracts nothing."""
        if self.imaginary:
            return 0.0, 0.0
        values = sum(abs(c) for _, c in self.terms) / self.divisor
        points = sum(abs(c) for a, c in self.terms if a) / self.divisor
        return values, points

    def formula(self, var: str = "x", f: str = "f", step: str = "ε") -> str:
        """The formula as text, e.g. "(f(x+ε) − f(x))/ε" or "Im f(x+iε)/ε"."""
        if self.imaginary:
            return f"Im {f}({var}+i{step})/{step}"
        parts = []
        for offset, weight in self.terms:
            size = "" if abs(weight) == 1 else str(abs(weight))
            sign = "−" if weight < 0 else "+"
            parts.append((sign, f"{size}{f}({_shifted_text(var, offset, step)})"))
        text = _signed_sum(parts, "−")
        divisor = step if self.divisor == 1 else f"({self.divisor}{step})"
        return f"({text})/{divisor}"

    def python(self, f: str, x: str, h: str) -> str:
        """The quotient as Python source, e.g. "(f(x + h) - f(x)) / h"."""
        if self.imaginary:
            return f"{f}(complex({x}, {h})).imag / {h}"
        parts = []
        for offset, weight in self.terms:
            point = x if offset == 0 else f"{x} {'+' if offset > 0 else '-'} " + (
                h if abs(offset) == 1 else f"{abs(offset)}*{h}"
            )
            size = "" if abs(weight) == 1 else f"{abs(weight)}*"
            parts.append(("-" if weight < 0 else "+", f"{size}{f}({point})"))
        text = _signed_sum(parts, "-")
        divisor = h if self.divisor == 1 else f"({self.divisor} * {h})"
        return f"({text}) / {divisor}"


def _signed_sum(parts: list[tuple[str, str]], minus: str) -> str:
    """Signed terms written as a sum: [("+", "a"), ("−", "b")] → "a − b" (a leading minus kept)."""
    first_sign, first = parts[0]
    return (minus if first_sign == minus else "") + first + "".join(
        f" {sign} {term}" for sign, term in parts[1:]
    )


def _shifted_text(var: str, offset: int, step: str) -> str:
    if offset == 0:
        return var
    size = step if abs(offset) == 1 else f"{abs(offset)}{step}"
    return f"{var}{'+' if offset > 0 else '−'}{size}"


FORWARD = Scheme("forward", "forward", ((1, 1), (0, -1)), 1)
BACKWARD = Scheme("backward", "backward", ((0, 1), (-1, -1)), 1)
CENTRAL = Scheme("central", "central", ((1, 1), (-1, -1)), 2)
FIVE_POINT = Scheme("five_point", "five-point", ((-2, 1), (-1, -8), (1, 8), (2, -1)), 12)
COMPLEX_STEP = Scheme("complex_step", "complex step", ((1, 1),), 1, imaginary=True)

SCHEME_TABLE = {s.name: s for s in (FORWARD, BACKWARD, CENTRAL, FIVE_POINT, COMPLEX_STEP)}
SCHEMES = tuple(SCHEME_TABLE)
SCHEME_LABELS = {name: s.label for name, s in SCHEME_TABLE.items()}


def scheme_named(name: str) -> Scheme:
    """The scheme called `name`; ValueError naming the choices for anything else."""
    try:
        return SCHEME_TABLE[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown scheme '{name}'; choose one of {', '.join(SCHEMES)}.") from None
