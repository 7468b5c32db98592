"""How the computation graph writes formulas and numbers in plain text (graph boxes, messages).

Formulas as a student writes them (3·w, a^2, σ(z), |u|, e, π); numbers to six significant
digits, with "undefined" for nan and ∞ for an infinity.
"""

import math

import sympy
from sympy.printing.str import StrPrinter


def number_text(value: float) -> str:
    """A value for a graph box or message: 6 significant digits, undefined, ∞ or −∞."""
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value + 0.0:.6g}"


class _PlainPrinter(StrPrinter):
    def _print_Exp1(self, expr):
        return "e"

    def _print_Pi(self, expr):
        return "π"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"


def plain(expr: sympy.Expr) -> str:
    """A formula as plain text for a graph box: 3·w, a^2, σ(z), |u|."""
    return _PlainPrinter().doprint(expr).replace("**", "^").replace("*", "·")
