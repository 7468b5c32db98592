"""How the computation graph writes formulas and numbers in plain text (graph boxes, messages).

Formulas as a student writes them (3·w, a^2, σ(z), |u|, e, π); numbers to six significant
digits (`number_format` with `GRAPH_NUMBERS`), with "undefined" for nan and ∞ for an infinity.
"""

import sympy
from sympy.printing.str import StrPrinter

GRAPH_NUMBERS = ".6g"  # the graph's boxes, edges and products: six significant digits


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
